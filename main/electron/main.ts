/**
 * The Electron main process: starts Gatehouse (store, services, the embedded core of the Local
 * demo profile) in the user's data folder, serves the renderer on gatehouse://app/, and bridges it
 * to the dispatcher over IPC. Bundled by scripts/electron-bundle.ts to dist/electron/main.cjs, next
 * to preload.cjs, with the renderer in dist/renderer.
 */
import path from "node:path";
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, session, shell } from "electron";
import { startGatehouse, type Gatehouse } from "../app.ts";
import { hardenSession, hardenWebContents } from "./harden.ts";
import { forwardEvents, registerInvoke } from "./ipc-bridge.ts";
import { menuTemplate } from "./menu.ts";
import { serveRenderer } from "./app-protocol.ts";
import { chooseSecretBox } from "./safe-storage-box.ts";
import { APP_SCHEME, APP_SCHEME_PRIVILEGES } from "./security-policy.ts";
import { ElectronServerWindows } from "./server-windows.ts";
import { createMainWindow } from "./window.ts";

// __dirname is the bundle's folder (dist/electron), also inside the packaged app.asar.
const RENDERER_DIR = path.join(__dirname, "..", "renderer");
const PRELOAD = path.join(__dirname, "preload.cjs");
const developer = !app.isPackaged;

let gatehouse: Gatehouse | undefined;
let mainWindow: BrowserWindow | undefined;
let quitting = false;
// Gatehouse servers open in windows of their own, held to their origin (server-windows.ts).
const serverWindows = new ElectronServerWindows({ createWindow: (options) => new BrowserWindow(options), sessionFor: (partition) => session.fromPartition(partition), allowDevTools: developer });

// Launched as `electron dist/electron/main.cjs`, Electron would call itself "Electron" and keep
// its data in that folder; name it, so dev runs and the packaged app share one data folder.
app.setName("Gatehouse");
app.setPath("userData", path.join(app.getPath("appData"), "Gatehouse"));
app.enableSandbox();
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (!app.requestSingleInstanceLock()) {
  // Two main processes would share one SQLite store and embedded core: hand over to the first.
  app.quit();
} else {
  app.on("second-instance", showWindow);
  app.on("web-contents-created", (_event, contents) => hardenWebContents(contents, (url) => shell.openExternal(url), console.warn, (url) => serverWindows.mayNavigate(contents, url)));
  app.on("window-all-closed", () => {
    if (process.platform !== "darwin") app.quit();
  });
  app.on("activate", showWindow);
  app.on("before-quit", (event) => {
    if (!gatehouse || quitting) return;
    event.preventDefault(); // close the store and the embedded core first, then quit for real
    quitting = true;
    gatehouse.close().finally(() => {
      gatehouse = undefined;
      app.quit();
    });
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => app.quit());
  app.whenReady().then(start).catch(fail);
}

async function start(): Promise<void> {
  const dataDir = process.env.GATEHOUSE_DATA_DIR ? path.resolve(process.env.GATEHOUSE_DATA_DIR) : app.getPath("userData");
  const secrets = chooseSecretBox({ safeStorage, dataDir, platform: process.platform, warn: console.warn });
  const running = await startGatehouse({ dataDir, secrets, serverWindows });
  gatehouse = running;
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, serveRenderer(RENDERER_DIR));
  registerInvoke(ipcMain, running.dispatcher, () => running.desktopCaller());
  forwardEvents(running.events, () => BrowserWindow.getAllWindows().map((window) => window.webContents));
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ platform: process.platform, developer, openExternal: (url) => void shell.openExternal(url) })));
  showWindow();
}

function showWindow(): void {
  if (!gatehouse) return; // still starting; the window opens when it is ready
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow(PRELOAD, developer);
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`Gatehouse could not start: ${message}`);
  dialog.showErrorBox("Gatehouse could not start", message);
  app.exit(1);
}
