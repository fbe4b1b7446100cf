/** Renderer entry: picks the mode and transport, builds the client and stores, renders the app. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import type { Transport } from "../../shared/contract/client.ts";
import { makeClient } from "./api/client.ts";
import { chooseMode, type ModeChoice } from "./api/transport.ts";
import { App } from "./app/App.tsx";
import { NoTokenScreen } from "./app/NoTokenScreen.tsx";
import { createStores } from "./stores/index.ts";
import { TeamApp } from "./team/TeamApp.tsx";
import "./styles/app.css";

declare global {
  interface Window {
    /** The Electron preload's typed bridge (absent in browser mode). */
    gatehouse?: Transport;
  }
}

function root(choice: ModeChoice) {
  switch (choice.kind) {
    case "electron":
    case "browser":
      return <App stores={createStores(makeClient(choice.transport))} />;
    case "team":
      return <TeamApp api={choice.api} probe={choice.probe} setPasswordToken={choice.setPasswordToken} />;
    case "no-token":
      return <NoTokenScreen />;
  }
}

const container = createRoot(document.getElementById("root") as HTMLElement);
const env = {
  gatehouse: window.gatehouse,
  location: window.location,
  sessionStorage: window.sessionStorage,
  history: window.history,
  fetch: (url: string, init: RequestInit) => window.fetch(url, init),
  EventSource: window.EventSource,
};
// Electron and a browser-mode token are known at once; a team server answers its session check first.
void chooseMode(env).then((choice) => container.render(<StrictMode>{root(choice)}</StrictMode>));
