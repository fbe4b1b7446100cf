// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { normalizePhone } from "../../main/services/invites/normalize.ts";
import { normalizeSecondFactorPhone } from "../../renderer/src/pages/user/secondFactorPhone.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { sessionHandlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

const resetOutput: OutputOf<"secondFactor.reset"> = {
  userId: "user-1",
  action: { kind: "replace", phoneNumber: "+14155550142" },
  alreadyDone: false,
  resumed: false,
  before: { state: "enrolled", passwordlessUserId: "pl-1", phoneNumber: "+14155550123" },
  after: { state: "enrolled", passwordlessUserId: "pl-1", phoneNumber: "+14155550142" },
  steps: [{ step: "update-phone", status: "done", detail: "phone user pl-1: +14155550123 → +14155550142" }],
  sessionsRevoked: 2,
  sessionsEndedFor: ["user-1"],
  oldPasswordlessUser: "none",
  shared: { others: [], scanned: 340, complete: true },
};

const alone: OutputOf<"secondFactor.resetPreview"> = {
  userId: "user-1",
  state: { state: "enrolled", passwordlessUserId: "pl-1", phoneNumber: "+14155550123" },
  shared: { others: [], scanned: 340, complete: true },
  replaceInPlace: true,
  clearMayDelete: true,
  keepReason: "none",
  defaultRegion: "US",
  pending: null,
};
const shared: OutputOf<"secondFactor.resetPreview"> = {
  ...alone,
  shared: { others: [{ userId: "user-2", label: "grace@example.com" }], scanned: 340, complete: true },
  replaceInPlace: false,
  clearMayDelete: false,
  keepReason: "shared",
};

async function openDialog() {
  fireEvent.click(await screen.findByTestId("second-factor-reset"));
  await screen.findByTestId("sf-dialog");
}
function fill(fields: { reason?: string; ticket?: string; phone?: string }) {
  if (fields.reason !== undefined) fireEvent.change(screen.getByTestId("sf-reason"), { target: { value: fields.reason } });
  if (fields.ticket !== undefined) fireEvent.change(screen.getByTestId("sf-ticket"), { target: { value: fields.ticket } });
  if (fields.phone !== undefined) fireEvent.change(screen.getByTestId("sf-phone"), { target: { value: fields.phone } });
}
const confirm = () => screen.getByTestId("sf-confirm") as HTMLButtonElement;

describe("second-factor section on user detail", () => {
  it("needs a reason, a ticket and a valid phone; reviews the phone as it will be stored, then shows the result with focus on Close", async () => {
    const { transport } = renderApp({ ...sessionHandlers("support"), "secondFactor.resetPreview": () => alone, "secondFactor.reset": () => resetOutput }, "#/users/user-1");
    const section = await screen.findByTestId("second-factor-section");
    expect(section.textContent).toContain("Enrolled");
    await openDialog();
    await waitFor(() => expect(transport.callsOf("secondFactor.resetPreview")).toEqual([{ userId: "user-1" }]));
    expect(confirm().disabled).toBe(true);
    fill({ reason: "lost phone", phone: "(415) 555-0142" });
    expect(screen.getByTestId("sf-phone-note").textContent).toBe("Will be stored as +14155550142");
    expect(confirm().disabled).toBe(true); // ticket still missing
    fill({ ticket: "SUP-42" });
    await waitFor(() => expect(confirm().disabled).toBe(false));
    fireEvent.click(confirm()); // review
    const review = screen.getByTestId("sf-confirm-text").textContent ?? "";
    expect(review).toContain("replace the second-factor phone with +14155550142");
    expect(review).toContain('typed as "(415) 555-0142"');
    expect(review).toContain("this user's alone");
    expect(transport.callsOf("secondFactor.reset")).toEqual([]);
    fireEvent.click(confirm());
    await waitFor(() => expect(screen.getByTestId("sf-result").textContent).toContain("2 session(s) ended"));
    expect(transport.callsOf("secondFactor.reset")).toEqual([{ userId: "user-1", reason: "lost phone", ticket: "SUP-42", action: { kind: "replace", phoneNumber: "+14155550142" } }]);
    // Item 14: focus stays in the dialog, on Close, so Escape still closes it.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("sf-close")));
    fireEvent.keyDown(document.activeElement as Element, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("sf-dialog")).toBeNull());
    expect(document.activeElement).toBe(screen.getByTestId("second-factor-reset"));
  });

  it("says an invalid phone is invalid, and offers no review", async () => {
    renderApp({ ...sessionHandlers("support"), "secondFactor.resetPreview": () => alone }, "#/users/user-1");
    await openDialog();
    await screen.findByText(/in region US/);
    fill({ reason: "lost phone", ticket: "SUP-1", phone: "12" });
    expect(screen.getByTestId("sf-phone-note").textContent).toContain('"12" is not a valid phone number for the default region US');
    expect(confirm().disabled).toBe(true);
  });

  it("says before acting that the phone user is shared, and what each choice does to it", async () => {
    const { transport } = renderApp({ ...sessionHandlers("support"), "secondFactor.resetPreview": () => shared, "secondFactor.reset": () => resetOutput }, "#/users/user-1");
    await openDialog();
    const warning = await screen.findByTestId("sf-shared-warning");
    expect(warning.textContent).toContain("1 other user uses it as their second factor too");
    expect(warning.textContent).toContain("grace@example.com");
    expect(warning.textContent).toContain("A reset changes this user only");
    fill({ reason: "lost phone", ticket: "SUP-2", phone: "+14155550142" });
    fireEvent.click(confirm());
    expect(screen.getByTestId("sf-confirm-text").textContent).toContain("This user gets a new phone user of their own; the current one is left as it is (other users still use it");
    fireEvent.click(screen.getByTestId("sf-back"));
    fireEvent.click(screen.getByTestId("sf-clear"));
    fireEvent.change(screen.getByTestId("sf-delete-choice"), { target: { value: "delete" } });
    fireEvent.click(confirm());
    const review = screen.getByTestId("sf-confirm-text").textContent ?? "";
    expect(review).toContain("and keep the old phone user");
    expect(review).toContain("kept although you chose to delete it");
    expect(transport.callsOf("secondFactor.reset")).toEqual([]);
  });

  it("closes when a link in the shared notice opens the other user, and does not come back for them", async () => {
    renderApp({ ...sessionHandlers("support"), "secondFactor.resetPreview": () => shared }, "#/users/user-1");
    await openDialog();
    fireEvent.click(await screen.findByRole("link", { name: "grace@example.com" }));
    await waitFor(() => expect(window.location.hash).toBe("#/users/user-2"));
    await waitFor(() => expect(screen.queryByTestId("sf-dialog")).toBeNull());
    window.location.hash = "#/users/user-1";
    await screen.findByTestId("second-factor-reset");
    expect(screen.queryByTestId("sf-dialog")).toBeNull();
  });

  it("after a refused replace goes back to the choice, says nothing was changed, and never offers to 'run again to finish'", async () => {
    const { transport } = renderApp(
      {
        ...sessionHandlers("support"),
        "secondFactor.resetPreview": () => alone,
        "secondFactor.reset": () => {
          throw new GatehouseError({ code: "CONFLICT", field: "action.phoneNumber", message: "+14155550155 already belongs to another user. Nothing was changed." });
        },
      },
      "#/users/user-1",
    );
    await openDialog();
    await screen.findByText(/in region US/);
    fill({ reason: "lost phone", ticket: "SUP-3", phone: "+14155550155" });
    fireEvent.click(confirm());
    fireEvent.click(confirm());
    await screen.findByText(/The reset was refused \(nothing was changed\)/);
    expect(confirm().textContent).toBe("Review…");
    expect(screen.queryByText(/Run again/)).toBeNull();
    expect(screen.queryByTestId("sf-confirm-text")).toBeNull();
    // The preview is read again: an unfinished reset, had there been one, would show.
    await waitFor(() => expect(transport.callsOf("secondFactor.resetPreview")).toHaveLength(2));
  });

  it("offers to finish or abandon an unfinished reset that changed the Core; abandoning is sent as its own choice", async () => {
    const { transport } = renderApp(
      {
        ...sessionHandlers("support"),
        "secondFactor.resetPreview": () => ({
          ...alone,
          pending: { action: { kind: "replace", phoneNumber: "+14155550166" }, startedAt: Date.UTC(2025, 5, 1, 12), changedOnCore: true, summary: "the second factor is now enrolled with +14155550166" },
        }),
        "secondFactor.reset": () => ({ ...resetOutput, action: { kind: "abandon" }, steps: [{ step: "abandon", status: "done", detail: "forgot it" }], sessionsRevoked: 0, sessionsEndedFor: [], shared: null }),
      },
      "#/users/user-1",
    );
    await openDialog();
    const box = await screen.findByTestId("sf-pending");
    expect(box.textContent).toContain("did not finish: replace the phone with +14155550166");
    expect(box.textContent).toContain("On the Core: the second factor is now enrolled with +14155550166");
    expect((screen.getByTestId("sf-finish") as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId("sf-phone")).toBeNull();
    fireEvent.click(screen.getByTestId("sf-abandon"));
    fill({ reason: "wrong number", ticket: "SUP-4" });
    fireEvent.click(confirm());
    expect(screen.getByTestId("sf-confirm-text").textContent).toContain("abandon the unfinished reset (replace the phone with +14155550166)");
    fireEvent.click(confirm());
    await screen.findByText("The unfinished reset was abandoned.");
    expect(transport.callsOf("secondFactor.reset")).toEqual([{ userId: "user-1", reason: "wrong number", ticket: "SUP-4", action: { kind: "abandon" } }]);
    expect(screen.getByTestId("sf-start-over")).toBeTruthy();
  });

  it("shows the delete/keep choice for clearing, and sends it", async () => {
    const { transport } = renderApp(
      {
        ...sessionHandlers("admin"),
        "secondFactor.resetPreview": () => alone,
        "secondFactor.reset": () => ({ ...resetOutput, action: { kind: "clear", deletePasswordlessUser: true }, after: { state: "none" }, oldPasswordlessUser: "deleted" }),
      },
      "#/users/user-1",
    );
    await openDialog();
    fireEvent.click(screen.getByTestId("sf-clear"));
    fireEvent.change(screen.getByTestId("sf-delete-choice"), { target: { value: "delete" } });
    fill({ reason: "new phone", ticket: "SUP-43" });
    await waitFor(() => expect(confirm().disabled).toBe(false));
    fireEvent.click(confirm());
    expect(screen.getByTestId("sf-confirm-text").textContent).toContain("and delete the old phone user");
    fireEvent.click(confirm());
    await waitFor(() => expect(screen.getByTestId("sf-result").textContent).toContain("Old phone user deleted"));
    expect(transport.callsOf("secondFactor.reset")[0]).toMatchObject({ action: { kind: "clear", deletePasswordlessUser: true } });
  });

  it("hides the reset from auditors", async () => {
    renderApp(sessionHandlers("auditor"), "#/users/user-1");
    await screen.findByTestId("second-factor-section");
    expect(screen.queryByTestId("second-factor-reset")).toBeNull();
  });
});

describe("the phone shown in the review", () => {
  it("is what the main process stores", () => {
    for (const [typed, region] of [
      ["(415) 555-0142", "US"],
      ["+1 415 555 0142", "US"],
      ["030 123456", "DE"],
      ["+44 20 7946 0000", "US"],
      ["07911 123456", "GB"],
    ] as const) {
      const shown = normalizeSecondFactorPhone(typed, region);
      expect(shown, typed).toEqual({ ok: true, e164: normalizePhone(typed, region) });
    }
    expect(normalizeSecondFactorPhone("12", "US").ok).toBe(false);
    expect(() => normalizePhone("12", "US")).toThrow();
  });
});

describe("the Second factor screen", () => {
  it("uses the tenant picker and loads the selected tenant's report when it opens", async () => {
    const { transport, stores } = renderApp(
      {
        ...sessionHandlers("auditor"),
        "secondFactor.report": (i) => ({
          scanned: i.tenantId === "acme" ? 40 : 340,
          truncated: false,
          problems: i.tenantId === "acme" ? [] : [{ kind: "shared", userIds: ["u1", "u2"], userLabels: ["a@example.com", "b@example.com"], passwordlessUserId: "pl-9", phoneNumber: "+1 415 •••• 0100", detail: "2 users point at the same phone user" }],
        }),
      },
      "#/second-factor",
    );
    await waitFor(() => expect(screen.getByTestId("sf-report-summary").textContent).toContain("340 users scanned in public; 1 problem."));
    expect(screen.getAllByTestId("sf-report-row")).toHaveLength(1);
    expect(screen.queryByRole("textbox", { name: "Tenant" })).toBeNull();
    fireEvent.change(screen.getByTestId("tenant-picker"), { target: { value: "acme" } });
    await waitFor(() => expect(screen.getByTestId("sf-report-summary").textContent).toContain("40 users scanned in acme; no problems."));
    expect(transport.callsOf("secondFactor.report")).toEqual([{ tenantId: "public" }, { tenantId: "acme" }]);
    expect(stores.tenants.getState().selected).toBe("acme");
  });
});
