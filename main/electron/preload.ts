/**
 * Runs in the sandboxed renderer before the page: exposes `window.gatehouse` (the Transport of
 * shared/contract/client.ts) and nothing else — never ipcRenderer itself.
 */
import { contextBridge, ipcRenderer } from "electron";
import { createIpcTransport } from "./ipc-transport.ts";

contextBridge.exposeInMainWorld("gatehouse", createIpcTransport(ipcRenderer));
