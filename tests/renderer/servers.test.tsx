// @vitest-environment happy-dom
/** The Connections page's Gatehouse servers: list, add (with the address rule at the field), remove (asked first), open. */
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { ServerView } from "../../shared/contract/operations/servers.ts";
import { checkServerUrl } from "../../shared/server-url.ts";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { sessionHandlers, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

/** main's servers.* over an in-memory list, with the contract's address rule. */
function serverHandlers(initial: ServerView[], openedByMain: boolean): Handlers {
  let servers = [...initial];
  return {
    "servers.list": () => ({ servers }),
    "servers.add": ({ name, url }) => {
      const checked = checkServerUrl(url);
      if (!checked.ok) throw new GatehouseError({ code: "VALIDATION", field: "url", message: `url: ${checked.message}` });
      if (servers.some((s) => s.url === checked.origin)) throw new GatehouseError({ code: "CONFLICT", field: "url", message: `${checked.origin} is already in the list, as “${servers[0]?.name}”.` });
      const added = { id: `s-${servers.length + 1}`, name, url: checked.origin, addedAt: 1 };
      servers = [...servers, added];
      return added;
    },
    "servers.remove": ({ id }) => {
      const before = servers.length;
      servers = servers.filter((s) => s.id !== id);
      return { removed: servers.length < before };
    },
    "servers.open": ({ id }) => {
      const found = servers.find((s) => s.id === id);
      if (!found) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no Gatehouse server ${id}.` });
      return { url: found.url, openedByMain };
    },
  };
}

const TEAM: ServerView = { id: "s-1", name: "Team", url: "https://gatehouse.example.com", addedAt: 1 };

function open(role: OperatorRole = "admin", servers: ServerView[] = [TEAM], openedByMain = false, extra: Handlers = {}) {
  return renderApp({ ...sessionHandlers(role), ...serverHandlers(servers, openedByMain), ...extra }, "#/connections");
}

const opened: unknown[][] = [];
beforeEach(() => {
  opened.length = 0;
  // The browser's window.open, recorded (happy-dom opens nothing).
  vi.spyOn(window, "open").mockImplementation((...args: unknown[]) => {
    opened.push(args);
    return null;
  });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("Gatehouse servers on the Connections page", () => {
  it("lists each server as a connection of kind Gatehouse server, with its address and no role of its own", async () => {
    open();
    const row = await screen.findByTestId("server-row");
    expect(within(row).getByRole("heading", { name: /Team/ }).textContent).toBe("TeamGatehouse server");
    expect(row.textContent).toContain("https://gatehouse.example.com");
    expect(row.textContent).toContain("given by the server when you sign in");
    // The Core profiles are still there, next to it.
    expect(screen.getAllByTestId("profile-row")).toHaveLength(2);
  });

  it("says when there are none", async () => {
    open("admin", []);
    expect((await screen.findByTestId("servers-empty")).textContent).toContain("https://gatehouse.example.com");
  });

  it("names the field whose address breaks the rule, before asking main", async () => {
    const { transport } = open();
    fireEvent.click(await screen.findByTestId("server-add"));
    const form = screen.getByTestId("server-form");
    expect(document.activeElement).toBe(within(form).getByTestId("server-name"));
    const cases: [string, string, RegExp][] = [
      ["", "https://gatehouse.example.com", /^a name is required$/],
      ["Staging", "http://staging.example.com", /^must start with https:\/\/ .*http:\/\/ is allowed only for localhost/],
      ["Staging", "https://admin:pw@staging.example.com", /^must not hold a user name or password/],
      ["Staging", "https://staging.example.com/console", /^must be the server's address only/],
    ];
    for (const [name, url, message] of cases) {
      fireEvent.change(within(form).getByTestId("server-name"), { target: { value: name } });
      fireEvent.change(within(form).getByTestId("server-url"), { target: { value: url } });
      fireEvent.submit(form);
      const error = await within(form).findByTestId("field-error");
      expect(error.textContent, url).toMatch(message);
      const field = error.closest(".field")?.querySelector("input");
      expect(field, url).toBe(within(form).getByTestId(name === "" ? "server-name" : "server-url"));
      expect(field?.getAttribute("aria-describedby")).toBe(error.id);
    }
    expect(transport.callsOf("servers.add")).toEqual([]);
  });

  it("adds a server (Enter in the form), refreshes the list and closes the form", async () => {
    const { transport } = open("admin", []);
    fireEvent.click(await screen.findByTestId("server-add"));
    const form = screen.getByTestId("server-form");
    fireEvent.change(within(form).getByTestId("server-name"), { target: { value: "  Staging " } });
    fireEvent.change(within(form).getByTestId("server-url"), { target: { value: " http://127.0.0.1:4000/ " } });
    fireEvent.submit(form);
    await waitFor(() => expect(screen.queryByTestId("server-form")).toBeNull());
    expect(transport.callsOf("servers.add")).toEqual([{ name: "Staging", url: "http://127.0.0.1:4000/" }]);
    const row = await screen.findByTestId("server-row");
    expect(row.textContent).toContain("http://127.0.0.1:4000");
  });

  it("shows main's refusal by the field it names (the address is listed already)", async () => {
    open();
    fireEvent.click(await screen.findByTestId("server-add"));
    const form = screen.getByTestId("server-form");
    fireEvent.change(within(form).getByTestId("server-name"), { target: { value: "Again" } });
    fireEvent.change(within(form).getByTestId("server-url"), { target: { value: "https://gatehouse.example.com" } });
    fireEvent.submit(form);
    const error = await within(form).findByTestId("field-error");
    expect(error.textContent).toBe("https://gatehouse.example.com is already in the list, as “Team”.");
    expect(error.closest(".field")?.querySelector("input")).toBe(within(form).getByTestId("server-url"));
    expect(within(form).queryByTestId("error-banner")).toBeNull();
  });

  it("closes the form on Escape and gives focus back to Add server", async () => {
    open();
    const add = await screen.findByTestId("server-add");
    fireEvent.click(add);
    fireEvent.keyDown(within(screen.getByTestId("server-form")).getByTestId("server-url"), { key: "Escape" });
    expect(screen.queryByTestId("server-form")).toBeNull();
    expect(document.activeElement).toBe(add);
  });

  it("removes a server only once confirmed", async () => {
    const { transport } = open();
    fireEvent.click(within(await screen.findByTestId("server-row")).getByRole("button", { name: "Remove Team" }));
    let dialog = await screen.findByTestId("server-remove-dialog");
    expect(dialog.textContent).toContain("https://gatehouse.example.com");
    expect(dialog.textContent).toContain("saved session is cleared");
    fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("server-remove-dialog")).toBeNull();
    expect(transport.callsOf("servers.remove")).toEqual([]);

    fireEvent.click(within(screen.getByTestId("server-row")).getByRole("button", { name: "Remove Team" }));
    dialog = await screen.findByTestId("server-remove-dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Remove server" }));
    await waitFor(() => expect(screen.queryByTestId("server-row")).toBeNull());
    expect(transport.callsOf("servers.remove")).toEqual([{ id: "s-1" }]);
    expect(screen.getByTestId("servers-empty")).toBeTruthy();
  });

  it("in browser mode opens the server in a new tab without a handle on this page, and keeps a link", async () => {
    const { transport } = open("admin", [TEAM], false);
    fireEvent.click(within(await screen.findByTestId("server-row")).getByRole("button", { name: "Open Team" }));
    const note = await screen.findByTestId("server-opened-here");
    expect(transport.callsOf("servers.open")).toEqual([{ id: "s-1" }]);
    expect(opened).toEqual([["https://gatehouse.example.com", "_blank", "noopener,noreferrer"]]);
    const link = within(note).getByRole("link");
    expect(link.getAttribute("href")).toBe("https://gatehouse.example.com");
    expect(link.getAttribute("rel")).toBe("noopener noreferrer");
  });

  it("in the desktop app leaves opening to main (its own window)", async () => {
    const { transport } = open("admin", [TEAM], true);
    fireEvent.click(within(await screen.findByTestId("server-row")).getByRole("button", { name: "Open Team" }));
    await waitFor(() => expect(transport.callsOf("servers.open")).toEqual([{ id: "s-1" }]));
    await waitFor(() => expect(screen.getByTestId("server-open").textContent).toBe("Open"));
    expect(opened).toEqual([]);
    expect(screen.queryByTestId("server-opened-here")).toBeNull();
  });

  it("says why a server could not be opened", async () => {
    open("admin", [TEAM], false, {
      "servers.open": () => {
        throw new GatehouseError({ code: "NOT_FOUND", message: "There is no Gatehouse server s-1 (it may have been removed)." });
      },
    });
    fireEvent.click(within(await screen.findByTestId("server-row")).getByRole("button", { name: "Open Team" }));
    expect((await screen.findByTestId("error-banner")).textContent).toContain("it may have been removed");
    expect(opened).toEqual([]);
  });

  it("lets every role add, open and remove (the server gives the role)", async () => {
    open("auditor");
    const row = await screen.findByTestId("server-row");
    expect(screen.getByTestId("server-add")).toBeTruthy();
    expect(within(row).getByTestId("server-open")).toBeTruthy();
    expect(within(row).getByTestId("server-remove")).toBeTruthy();
    // The Core profiles' change buttons stay an admin's.
    expect(screen.queryByTestId("profile-add")).toBeNull();
  });

  it("is not shown on a team server, which is itself the place operators sign in", async () => {
    const handlers = sessionHandlers("admin");
    const { transport } = renderApp(
      {
        ...handlers,
        ...serverHandlers([TEAM], false),
        "session.whoami": () => ({ ...(handlers["session.whoami"]?.({}) as object), mode: "team" }) as never,
      },
      "#/connections",
    );
    await screen.findAllByTestId("profile-row");
    expect(screen.queryByTestId("servers")).toBeNull();
    expect(transport.callsOf("servers.list")).toEqual([]);
  });
});
