// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { renderApp } from "./render.tsx";
import { sessionHandlers } from "./fakeTransport.ts";

afterEach(cleanup);

const HITS = [
  { id: "u-ada", label: "ada@example.com", tenantIds: ["public"] },
  { id: "u-adam", label: "adam@example.com", tenantIds: ["public"] },
];

async function openApp() {
  const app = renderApp({ ...sessionHandlers("support"), "users.quickSearch": ({ text }) => ({ hits: HITS.filter((h) => h.label.startsWith(text)) }) });
  await screen.findByTestId("user-row");
  return app;
}

const pressCtrlK = () => act(() => void fireEvent.keyDown(window, { key: "k", code: "KeyK", ctrlKey: true }));
const selected = () => screen.getAllByTestId("quick-search-option").find((o) => o.getAttribute("aria-selected") === "true")?.textContent;

describe("quick search", () => {
  it("opens with Ctrl+K from anywhere, focused on its input", async () => {
    await openApp();
    expect(screen.queryByTestId("quick-search")).toBeNull();
    pressCtrlK();
    const input = screen.getByTestId("quick-search-input");
    expect(document.activeElement).toBe(input);
  });

  it("opens with Cmd+K too", async () => {
    await openApp();
    act(() => void fireEvent.keyDown(window, { key: "K", metaKey: true }));
    expect(screen.getByTestId("quick-search")).toBeTruthy();
  });

  it("searches after typing stops, moves with the arrow keys and opens with Enter", async () => {
    const { transport } = await openApp();
    pressCtrlK();
    const input = screen.getByTestId("quick-search-input");
    fireEvent.change(input, { target: { value: "a" } });
    fireEvent.change(input, { target: { value: "ada" } });
    await waitFor(() => expect(screen.getAllByTestId("quick-search-option").length).toBe(3));
    // Debounced: one search for the settled text, in the selected tenant.
    expect(transport.callsOf("users.quickSearch")).toEqual([{ text: "ada", tenantId: "public" }]);
    expect(selected()).toContain("ada@example.com");
    fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(selected()).toContain("adam@example.com");
    fireEvent.keyDown(input, { key: "ArrowDown" });
    expect(selected()).toContain("Open user id “ada”");
    fireEvent.keyDown(input, { key: "ArrowDown" }); // wraps around
    expect(selected()).toContain("ada@example.com");
    fireEvent.keyDown(input, { key: "ArrowUp" });
    fireEvent.keyDown(input, { key: "ArrowUp" });
    expect(selected()).toContain("adam@example.com");
    fireEvent.keyDown(input, { key: "Enter" });
    expect(window.location.hash).toBe("#/users/u-adam");
    expect(screen.queryByTestId("quick-search")).toBeNull();
  });

  it("closes with Escape and gives focus back", async () => {
    await openApp();
    const opener = screen.getByTestId("quick-search-open");
    act(() => opener.focus());
    pressCtrlK();
    fireEvent.keyDown(screen.getByTestId("quick-search-input"), { key: "Escape" });
    expect(screen.queryByTestId("quick-search")).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
