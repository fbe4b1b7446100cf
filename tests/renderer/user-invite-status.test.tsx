// @vitest-environment happy-dom
import { allowedOperations } from "../../shared/contract/allowances.ts";
import { cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ROLE_PERMISSIONS } from "../../shared/contract/permissions.ts";
import type { JsonObject } from "../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { formatDateTime } from "../../renderer/src/lib/format.ts";
import { profile, sessionHandlers, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

const INVITED = 1_700_000_000_000;
const ACCEPTED = 1_700_000_600_000;

function userWith(metadata: JsonObject, inviteKey?: string): Handlers {
  const handlers = sessionHandlers("auditor", metadata);
  if (!inviteKey) return handlers;
  return {
    ...handlers,
    "session.whoami": () => ({
      operator: "tester",
      role: "auditor",
      permissions: [...ROLE_PERMISSIONS.auditor],
      operations: allowedOperations("auditor"),
      profile: profile("auditor", { contract: { ...DEFAULT_DATA_CONTRACT, inviteKey } }),
      mode: "desktop",
    }),
  };
}

describe("invite status on the user page", () => {
  it("shows when and by whom the user was invited, and when they accepted", async () => {
    renderApp(userWith({ plan: "pro", gatehouseInvite: { invitedAt: INVITED, invitedBy: "ops", acceptedAt: ACCEPTED } }), "#/users/user-1");
    const status = await screen.findByTestId("user-invite-status");
    expect(status.textContent).toBe(`Invited ${formatDateTime(INVITED)} by ops — accepted ${formatDateTime(ACCEPTED)}`);
    expect(status.dataset.status).toBe("accepted");
  });

  it("says pending while the invite is not accepted", async () => {
    renderApp(userWith({ gatehouseInvite: { invitedAt: INVITED, invitedBy: "ops" } }), "#/users/user-1");
    const status = await screen.findByTestId("user-invite-status");
    expect(status.textContent).toBe(`Invited ${formatDateTime(INVITED)} by ops — pending`);
    expect(status.dataset.status).toBe("pending");
  });

  it("reads the record under the active profile's inviteKey, not the default one", async () => {
    renderApp(userWith({ gatehouseInvite: { invitedAt: 1, invitedBy: "wrong key" }, teamInvite: { invitedAt: INVITED, invitedBy: "team-admin", acceptedAt: ACCEPTED } }, "teamInvite"), "#/users/user-1");
    const status = await screen.findByTestId("user-invite-status");
    expect(status.textContent).toContain("by team-admin — accepted");
    expect(status.textContent).not.toContain("wrong key");
  });

  it("shows nothing for a user who was not invited (or whose record is not an object)", async () => {
    renderApp(userWith({ plan: "pro", gatehouseInvite: "yes" }), "#/users/user-1");
    expect(await screen.findByTestId("login-methods")).toBeTruthy();
    expect(screen.queryByTestId("user-invite-status")).toBeNull();
  });
});
