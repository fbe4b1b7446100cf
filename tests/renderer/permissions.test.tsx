// @vitest-environment happy-dom
import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { renderApp } from "./render.tsx";
import { sessionHandlers } from "./fakeTransport.ts";

afterEach(cleanup);

/** Every button that changes something, by page. */
const CHANGE_BUTTONS = {
  user: ["metadata-edit", "role-add", "role-remove", "session-revoke", "sessions-revoke-all", "user-delete"],
  roles: ["role-create", "role-delete", "chip-remove", "chip-input"],
  connections: ["profile-add", "profile-edit", "profile-remove"],
} as const;

async function openPage(role: OperatorRole, hash: string, ready: string) {
  renderApp(sessionHandlers(role), hash);
  await screen.findAllByTestId(ready);
  // Let the page's follow-up requests (sessions, roles of the tenant) settle.
  await waitFor(() => expect(screen.queryAllByRole("status").filter((s) => s.textContent?.includes("Loading")).length).toBe(0));
}

const present = (ids: readonly string[]) => ids.filter((id) => screen.queryAllByTestId(id).length > 0);

describe("permission-driven UI", () => {
  it("shows the auditor no change buttons on a user", async () => {
    await openPage("auditor", "#/users/user-1", "session-row");
    expect(present(CHANGE_BUTTONS.user)).toEqual([]);
    expect(screen.getByTestId("role-badge").textContent).toBe("auditor");
  });

  it("shows the auditor no change buttons on roles", async () => {
    await openPage("auditor", "#/roles", "role-row");
    expect(present(CHANGE_BUTTONS.roles)).toEqual([]);
  });

  it("shows the auditor no change buttons on connections (switching stays possible)", async () => {
    await openPage("auditor", "#/connections", "profile-row");
    expect(present(CHANGE_BUTTONS.connections)).toEqual([]);
    expect(screen.getByTestId("profile-switch")).toBeTruthy();
  });

  it("shows the auditor the export, which is reading", async () => {
    await openPage("auditor", "#/users", "user-row");
    expect(screen.getByTestId("users-export")).toBeTruthy();
  });

  it("shows support only session revocation on a user", async () => {
    await openPage("support", "#/users/user-1", "session-row");
    expect(present(CHANGE_BUTTONS.user)).toEqual(["session-revoke", "sessions-revoke-all"]);
  });

  it("shows an admin every change button", async () => {
    await openPage("admin", "#/users/user-1", "session-row");
    await screen.findByTestId("role-add");
    expect(present(CHANGE_BUTTONS.user)).toEqual(CHANGE_BUTTONS.user);
    cleanup();
    await openPage("admin", "#/roles", "role-row");
    expect(present(CHANGE_BUTTONS.roles)).toEqual(CHANGE_BUTTONS.roles);
    cleanup();
    await openPage("admin", "#/connections", "profile-row");
    expect(present(CHANGE_BUTTONS.connections)).toEqual(CHANGE_BUTTONS.connections);
  });
});
