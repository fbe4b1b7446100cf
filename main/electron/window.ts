import { BrowserWindow } from "electron";
import { APP_ENTRY_URL, secureWebPreferences } from "./security-policy.ts";

/** The console window, shown once the renderer has painted (no white flash). */
export function createMainWindow(preloadPath: string, allowDevTools: boolean): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    title: "Gatehouse",
    show: false,
    webPreferences: secureWebPreferences(preloadPath, allowDevTools),
  });
  window.once("ready-to-show", () => window.show());
  window.loadURL(APP_ENTRY_URL).catch((err: unknown) => console.error(`Gatehouse could not load its window: ${String(err)}`));
  return window;
}
