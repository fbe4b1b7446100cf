// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "../../shared/contract/client.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { JsonObject } from "../../shared/contract/schemas.ts";
import { createUserDetailStore } from "../../renderer/src/stores/userDetail.ts";
import { fakeTransport, sessionHandlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

function storeWithMetadata(initial: JsonObject) {
  let stored = initial;
  const handlers = sessionHandlers("admin");
  const transport = fakeTransport({
    ...handlers,
    "users.get": (input) => ({ ...(handlers["users.get"]?.(input) as object), metadata: stored }) as never,
    "users.updateMetadata": ({ update }) => {
      const next: JsonObject = { ...stored };
      for (const [k, v] of Object.entries(update)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      stored = next;
      return { metadata: stored };
    },
    "users.delete": ({ confirm }) => {
      if (confirm !== "ada@example.com") throw new GatehouseError({ code: "VALIDATION", field: "confirm", message: "type it exactly" });
      return { deleted: true };
    },
  });
  return { transport, store: createUserDetailStore(createClient(transport)), setStored: (m: JsonObject) => (stored = m) };
}

describe("user detail store", () => {
  it("saves only the update computed from the diff", async () => {
    const { transport, store } = storeWithMetadata({ plan: "pro", old: 1 });
    await store.getState().open("user-1");
    const result = await store.getState().saveMetadata({ plan: "pro", old: 1 }, { plan: "max", old: null });
    expect(result).toEqual({ conflict: false });
    expect(transport.callsOf("users.updateMetadata")).toEqual([{ userId: "user-1", update: { plan: "max", old: null } }]);
    expect(store.getState().user?.metadata).toEqual({ plan: "max" });
  });

  it("writes nothing when someone changed the metadata meanwhile, and hands back the latest", async () => {
    const { transport, store, setStored } = storeWithMetadata({ allowList: ["a@x.com"] });
    await store.getState().open("user-1");
    setStored({ allowList: ["a@x.com", "b@x.com"] });
    const result = await store.getState().saveMetadata({ allowList: ["a@x.com"] }, { allowList: ["a@x.com", "c@x.com"] });
    expect(result).toEqual({ conflict: true, latest: { allowList: ["a@x.com", "b@x.com"] } });
    expect(transport.callsOf("users.updateMetadata")).toEqual([]);
  });

  it("sends what the operator typed as the delete confirmation", async () => {
    const { transport, store } = storeWithMetadata({});
    await store.getState().open("user-1");
    await expect(store.getState().deleteUser("nope")).rejects.toThrow("type it exactly");
    await store.getState().deleteUser("ada@example.com");
    expect(transport.callsOf("users.delete")).toEqual([
      { userId: "user-1", confirm: "nope" },
      { userId: "user-1", confirm: "ada@example.com" },
    ]);
  });
});

describe("delete dialog", () => {
  it("unlocks only when the email, phone or id is typed, and sends it", async () => {
    const handlers = sessionHandlers("admin");
    const { transport } = renderApp({ ...handlers, "users.delete": () => ({ deleted: true }) }, "#/users/user-1");
    fireEvent.click(await screen.findByTestId("user-delete"));
    const dialog = screen.getByTestId("delete-user-dialog");
    const button = within(dialog).getByTestId("confirm-button") as HTMLButtonElement;
    const input = within(dialog).getByTestId("confirm-input");
    expect(document.activeElement).toBe(input);
    expect(button.disabled).toBe(true);
    fireEvent.change(input, { target: { value: "ada@example" } });
    expect(button.disabled).toBe(true);
    fireEvent.change(input, { target: { value: "ADA@example.com" } });
    expect(button.disabled, "typed confirmations are exact").toBe(true);
    fireEvent.change(input, { target: { value: "ada@example.com" } });
    expect(button.disabled).toBe(false);
    fireEvent.submit(input.closest("form") as HTMLFormElement);
    await waitFor(() => expect(transport.callsOf("users.delete")).toEqual([{ userId: "user-1", confirm: "ada@example.com" }]));
    await waitFor(() => expect(window.location.hash).toBe("#/users"));
  });
});

describe("error banner", () => {
  it("says what to do when the Core is unreachable", async () => {
    renderApp({
      ...sessionHandlers("support"),
      "users.list": () => {
        throw new GatehouseError({ code: "CORE_UNREACHABLE", message: "No answer from http://127.0.0.1:3567" });
      },
    });
    const banner = await screen.findByTestId("error-banner");
    expect(banner.dataset.code).toBe("CORE_UNREACHABLE");
    expect(banner.textContent).toContain("No answer from http://127.0.0.1:3567");
    expect(banner.textContent).toContain("Check that the SuperTokens Core is running");
    expect(within(banner).getByRole("link", { name: "Open Connections" }).getAttribute("href")).toBe("#/connections");
    expect(within(banner).getByRole("button", { name: "Try again" })).toBeTruthy();
  });

  it("names the operator's role when something is forbidden", async () => {
    renderApp({
      ...sessionHandlers("auditor"),
      "users.list": () => {
        throw new GatehouseError({ code: "FORBIDDEN", message: "no" });
      },
    });
    expect((await screen.findByTestId("error-banner")).textContent).toContain("Your operator role (auditor)");
  });
});
