/** The application menu: the standard roles (so copy/paste work on macOS) and a help link. */
import type { MenuItemConstructorOptions } from "electron";

export const DOCS_URL = "https://supertokens.com/docs";

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Reload and DevTools are for development only. */
  developer: boolean;
  openExternal: (url: string) => void;
}

export function menuTemplate({ platform, developer, openExternal }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === "darwin";
  const view: MenuItemConstructorOptions[] = [
    ...(developer ? ([{ role: "reload" }, { role: "toggleDevTools" }, { type: "separator" }] as const) : []),
    { role: "resetZoom" },
    { role: "zoomIn" },
    { role: "zoomOut" },
    { type: "separator" },
    { role: "togglefullscreen" },
  ];
  return [
    ...(mac ? [{ role: "appMenu" } as const] : []),
    { label: "File", submenu: [mac ? { role: "close" } : { role: "quit" }] },
    { role: "editMenu" },
    { label: "View", submenu: view },
    { role: "windowMenu" },
    { role: "help", submenu: [{ label: "SuperTokens documentation", click: () => openExternal(DOCS_URL) }] },
  ];
}
