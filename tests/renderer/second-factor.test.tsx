// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
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

describe("second-factor section on user detail", () => {
  it("needs a reason, a ticket and a phone before the reset can be confirmed, then shows the result", async () => {
    const { transport } = renderApp({ ...sessionHandlers("support"), "secondFactor.reset": () => resetOutput }, "#/users/user-1");
    const section = await screen.findByTestId("second-factor-section");
    expect(section.textContent).toContain("Enrolled");
    fireEvent.click(screen.getByTestId("second-factor-reset"));
    const confirm = screen.getByTestId("sf-confirm");
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId("sf-reason"), { target: { value: "lost phone" } });
    fireEvent.change(screen.getByTestId("sf-phone"), { target: { value: "+14155550142" } });
    expect((confirm as HTMLButtonElement).disabled).toBe(true); // ticket still missing
    fireEvent.change(screen.getByTestId("sf-ticket"), { target: { value: "SUP-42" } });
    expect((confirm as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(confirm); // review
    expect(screen.getByTestId("sf-confirm-text").textContent).toContain("replace the phone with +14155550142");
    expect(transport.callsOf("secondFactor.reset")).toEqual([]);
    fireEvent.click(screen.getByTestId("sf-confirm"));
    await waitFor(() => expect(screen.getByTestId("sf-result").textContent).toContain("2 session(s) ended"));
    expect(transport.callsOf("secondFactor.reset")).toEqual([{ userId: "user-1", reason: "lost phone", ticket: "SUP-42", action: { kind: "replace", phoneNumber: "+14155550142" } }]);
  });

  it("shows the delete/keep choice for clearing, and sends it", async () => {
    const { transport } = renderApp({ ...sessionHandlers("admin"), "secondFactor.reset": () => ({ ...resetOutput, action: { kind: "clear", deletePasswordlessUser: true }, after: { state: "none" }, oldPasswordlessUser: "deleted" }) }, "#/users/user-1");
    fireEvent.click(await screen.findByTestId("second-factor-reset"));
    fireEvent.click(screen.getByTestId("sf-clear"));
    fireEvent.change(screen.getByTestId("sf-delete-choice"), { target: { value: "delete" } });
    fireEvent.change(screen.getByTestId("sf-reason"), { target: { value: "new phone" } });
    fireEvent.change(screen.getByTestId("sf-ticket"), { target: { value: "SUP-43" } });
    fireEvent.click(screen.getByTestId("sf-confirm"));
    expect(screen.getByTestId("sf-confirm-text").textContent).toContain("delete the old Passwordless user");
    fireEvent.click(screen.getByTestId("sf-confirm"));
    await waitFor(() => expect(screen.getByTestId("sf-result").textContent).toContain("Old Passwordless user deleted"));
    expect(transport.callsOf("secondFactor.reset")[0]).toMatchObject({ action: { kind: "clear", deletePasswordlessUser: true } });
  });

  it("hides the reset from auditors", async () => {
    renderApp(sessionHandlers("auditor"), "#/users/user-1");
    await screen.findByTestId("second-factor-section");
    expect(screen.queryByTestId("second-factor-reset")).toBeNull();
  });
});
