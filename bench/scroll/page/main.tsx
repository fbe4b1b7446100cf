/**
 * The scroll bench page: the renderer's real app shell and users page (VirtualTable with the users
 * table's columns) over a transport that serves `?rows=N` synthetic users as the page on screen.
 * Built by bench/scroll/scroll.ts with bench/scroll/vite.config.ts, driven through window.__scrollBench.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { makeClient } from "../../../renderer/src/api/client.ts";
import { App } from "../../../renderer/src/app/App.tsx";
import { createStores } from "../../../renderer/src/stores/index.ts";
import "../../../renderer/src/styles/app.css";
import { USERS_ROW_HEIGHT, type ScrollBenchApi } from "../protocol.ts";
import { runScroll } from "./frames.ts";
import { benchTransport, syntheticUsers } from "./synthetic.ts";

declare global {
  interface Window {
    __scrollBench?: ScrollBenchApi;
  }
}

const count = Number(new URLSearchParams(window.location.search).get("rows") ?? "1000");
const stores = createStores(makeClient(benchTransport(syntheticUsers(count))));

window.__scrollBench = {
  run(plan) {
    const table = document.querySelector<HTMLElement>('[data-testid="users-table"]');
    if (!table) return Promise.reject(new Error("the users table is not on the page"));
    return runScroll(table, USERS_ROW_HEIGHT, plan);
  },
};

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App stores={stores} />
  </StrictMode>,
);
