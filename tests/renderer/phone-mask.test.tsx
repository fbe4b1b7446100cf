// @vitest-environment happy-dom
import { cleanup, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { maskPhone, masksPhones } from "../../renderer/src/lib/phone.ts";
import { renderApp } from "./render.tsx";
import { sessionHandlers } from "./fakeTransport.ts";

afterEach(cleanup);

describe("maskPhone", () => {
  it("keeps the country code, the first digits and the last four", () => {
    expect(maskPhone("+14155550123")).toBe("+1 415 •••• 0123");
    expect(maskPhone("+447911123456")).toBe("+44 791 •••• 3456");
    expect(maskPhone("+4930123456")).toBe("+49 30 •••• 3456");
  });

  it("never shows the whole number, even when it does not parse", () => {
    expect(maskPhone("12")).toBe("••••");
    expect(maskPhone("+999123456789")).not.toContain("123456789");
  });

  it("masks only for auditors", () => {
    expect(masksPhones("auditor")).toBe(true);
    expect(masksPhones("support")).toBe(false);
    expect(masksPhones("admin")).toBe(false);
  });
});

describe("second-factor phones in the users table", () => {
  it("are masked for the auditor role", async () => {
    renderApp(sessionHandlers("auditor"));
    const row = await screen.findByTestId("user-row");
    expect(within(row).getByTestId("phone").textContent).toBe("+1 415 •••• 0123");
    expect(row.textContent).not.toContain("+14155550123");
  });

  it("are shown in full for support", async () => {
    renderApp(sessionHandlers("support"));
    const row = await screen.findByTestId("user-row");
    expect(within(row).getByTestId("phone").textContent).toBe("+14155550123");
  });
});
