/** Renderer entry: picks the transport, builds the client and stores, renders the app. */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import type { Transport } from "../../shared/contract/client.ts";
import { makeClient } from "./api/client.ts";
import { chooseTransport } from "./api/transport.ts";
import { App } from "./app/App.tsx";
import { NoTokenScreen } from "./app/NoTokenScreen.tsx";
import { createStores } from "./stores/index.ts";
import "./styles/app.css";

declare global {
  interface Window {
    /** The Electron preload's typed bridge (absent in browser mode). */
    gatehouse?: Transport;
  }
}

const choice = chooseTransport(window);
const root = createRoot(document.getElementById("root") as HTMLElement);
root.render(<StrictMode>{choice.kind === "no-token" ? <NoTokenScreen /> : <App stores={createStores(makeClient(choice.transport))} />}</StrictMode>);
