/** Rendering the app or a component with stores over a fake transport. */
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { createClient } from "../../shared/contract/client.ts";
import { App } from "../../renderer/src/app/App.tsx";
import { StoresProvider } from "../../renderer/src/app/StoresContext.tsx";
import { createStores, type Stores } from "../../renderer/src/stores/index.ts";
import { fakeTransport, type FakeTransport, type Handlers } from "./fakeTransport.ts";

export function renderApp(handlers: Handlers, hash = "#/users"): { transport: FakeTransport; stores: Stores } & ReturnType<typeof render> {
  window.location.hash = hash;
  const transport = fakeTransport(handlers);
  const stores = createStores(createClient(transport));
  return { transport, stores, ...render(<App stores={stores} />) };
}

/** A component inside a StoresProvider whose session is already loaded. */
export async function renderWithStores(handlers: Handlers, ui: ReactNode) {
  const transport = fakeTransport(handlers);
  const stores = createStores(createClient(transport));
  await stores.session.getState().load();
  return { transport, stores, ...render(<StoresProvider stores={stores}>{ui}</StoresProvider>) };
}
