// @vitest-environment happy-dom
/**
 * The audit log page: paging both ways and to either end, the operation picker, a From after the
 * To refused at the field, and a To typed to the minute that includes that whole minute. Main is a
 * fake here that pages and filters like AuditLog.list (tests/main/audit-log.test.ts checks that).
 */
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { InputOf } from "../../shared/contract/index.ts";
import type { AuditEntry } from "../../shared/contract/schemas.ts";
import { endOfTyped } from "../../renderer/src/pages/audit/AuditFilters.tsx";
import { sessionHandlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

/** Local 2025-06-02 14:00 plus `seconds`. */
const at = (seconds: number) => new Date(2025, 5, 2, 14, 0, seconds).getTime();

function entry(seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { seq, at: at(seq), operator: "tester", address: null, role: "admin", profile: "Local demo", operation: "users.updateMetadata", target: `user-${seq}`, input: {}, outcome: "ok", detail: null, hash: `h${seq}`, ...overrides };
}

/** A log in main: filters (inclusive from/to, case-insensitive operation) and pages like AuditLog.list. */
function auditMain(log: AuditEntry[]) {
  return (input: InputOf<"audit.list">) => {
    const match = log
      .filter((e) => (input.from === undefined || e.at >= input.from) && (input.to === undefined || e.at <= input.to))
      .filter((e) => !input.operation || e.operation.toLowerCase() === input.operation.toLowerCase())
      .sort((a, b) => b.seq - a.seq);
    const n = input.limit;
    let page: AuditEntry[];
    if (input.beforeSeq !== undefined) page = match.filter((e) => e.seq < (input.beforeSeq ?? 0)).slice(0, n);
    else if (input.afterSeq !== undefined) {
      const newer = match.filter((e) => e.seq > (input.afterSeq ?? 0)).reverse();
      page = newer.length > n ? newer.slice(0, n).reverse() : match.slice(0, n);
    } else if (input.oldest) page = match.slice(-n);
    else page = match.slice(0, n);
    const position = page[0] ? match.filter((e) => e.seq > (page[0]?.seq ?? 0)).length : 0;
    const last = page.at(-1);
    return {
      entries: page,
      total: match.length,
      position,
      nextBeforeSeq: last && position + page.length < match.length ? last.seq : null,
      newerAfterSeq: page[0] && position > 0 ? page[0].seq : null,
    };
  };
}

const info = () => screen.getByTestId("audit-pager-info").textContent ?? "";
const button = (id: string) => screen.getByTestId(id) as HTMLButtonElement;

describe("audit log paging", () => {
  it("pages older and newer, jumps to the oldest and the newest, and says which entries of how many are shown", async () => {
    const log = Array.from({ length: 450 }, (_, i) => entry(i + 1));
    renderApp({ ...sessionHandlers("auditor"), "audit.list": auditMain(log) }, "#/audit");
    await waitFor(() => expect(info()).toContain("Entries 1–200 of 450, newest first"));
    expect(button("audit-newer").disabled).toBe(true);
    expect(button("audit-newest").disabled).toBe(true);

    fireEvent.click(button("audit-older"));
    await waitFor(() => expect(info()).toContain("Entries 201–400 of 450"));
    fireEvent.click(button("audit-oldest"));
    await waitFor(() => expect(info()).toContain("Entries 251–450 of 450"));
    expect(button("audit-older").disabled).toBe(true);
    expect(button("audit-oldest").disabled).toBe(true);
    expect(screen.getAllByTestId("audit-row")[0]?.textContent).toContain("user-200");

    fireEvent.click(button("audit-newer"));
    await waitFor(() => expect(info()).toContain("Entries 51–250 of 450"));
    fireEvent.click(button("audit-newest"));
    await waitFor(() => expect(info()).toContain("Entries 1–200 of 450"));

    fireEvent.change(screen.getByTestId("audit-page-size"), { target: { value: "500" } });
    await waitFor(() => expect(info()).toContain("Entries 1–450 of 450"));
    expect(button("audit-older").disabled).toBe(true);
  });
});

describe("audit filters", () => {
  it("a To typed to the minute ends at the end of that minute", () => {
    expect(endOfTyped("2025-06-02T14:03")).toBe(new Date(2025, 5, 2, 14, 3, 59, 999).getTime());
    expect(endOfTyped("2025-06-02T14:03:36")).toBe(new Date(2025, 5, 2, 14, 3, 36, 999).getTime());
    expect(endOfTyped("")).toBeUndefined();
  });

  it("“To 14:03” includes an entry at 14:03:36; “From 14:03” includes 14:03:00", async () => {
    const log = [entry(1, { at: at(170) }), entry(2, { at: at(180) }), entry(3, { at: at(216), target: "at-14-03-36" }), entry(4, { at: at(240) })];
    const { transport } = renderApp({ ...sessionHandlers("auditor"), "audit.list": auditMain(log) }, "#/audit");
    await waitFor(() => expect(info()).toContain("of 4"));
    fireEvent.change(screen.getByTestId("audit-filter-from"), { target: { value: "2025-06-02T14:03" } });
    fireEvent.change(screen.getByTestId("audit-filter-to"), { target: { value: "2025-06-02T14:03" } });
    fireEvent.click(screen.getByTestId("audit-filter-apply"));
    await waitFor(() => expect(info()).toContain("Entries 1–2 of 2"));
    const targets = screen.getAllByTestId("audit-row").map((r) => r.textContent ?? "");
    expect(targets[0]).toContain("at-14-03-36");
    expect(targets[1]).toContain("user-2");
    expect(transport.callsOf("audit.list").at(-1)).toMatchObject({ from: at(180), to: at(239) + 999 });
  });

  it("refuses a From after the To at the field, naming it, without asking main", async () => {
    const { transport } = renderApp({ ...sessionHandlers("auditor"), "audit.list": auditMain([entry(1)]) }, "#/audit");
    await waitFor(() => expect(info()).toContain("of 1"));
    const calls = transport.callsOf("audit.list").length;
    fireEvent.change(screen.getByTestId("audit-filter-from"), { target: { value: "2025-06-02T14:05" } });
    fireEvent.change(screen.getByTestId("audit-filter-to"), { target: { value: "2025-06-02T14:03" } });
    fireEvent.click(screen.getByTestId("audit-filter-apply"));
    const error = await screen.findByTestId("audit-filter-error");
    expect(error.textContent).toMatch(/^“From” \(.+\) is after “To” \(.+\), so no entry could match\. Choose a From before the To\.$/);
    const from = screen.getByTestId("audit-filter-from");
    expect(from.getAttribute("aria-invalid")).toBe("true");
    expect(from.getAttribute("aria-describedby")).toBe(error.id);
    expect(document.activeElement).toBe(from);
    expect(transport.callsOf("audit.list")).toHaveLength(calls);
    // Fixing the range clears the error and applies.
    fireEvent.change(screen.getByTestId("audit-filter-from"), { target: { value: "2025-06-02T14:00" } });
    expect(screen.queryByTestId("audit-filter-error")).toBeNull();
    fireEvent.click(screen.getByTestId("audit-filter-apply"));
    await waitFor(() => expect(transport.callsOf("audit.list")).toHaveLength(calls + 1));
  });

  it("picks the operation from those main knows", async () => {
    const log = [entry(1, { operation: "roles.create" }), entry(2)];
    const { transport } = renderApp(
      { ...sessionHandlers("auditor"), "audit.list": auditMain(log), "audit.operations": () => ({ operations: ["invites.create", "roles.create", "users.updateMetadata"] }) },
      "#/audit",
    );
    await waitFor(() => expect(screen.getAllByRole("option", { name: "invites.create" })).toHaveLength(1));
    const picker = screen.getByTestId("audit-filter-operation") as HTMLSelectElement;
    expect([...picker.options].map((o) => o.value)).toEqual(["", "invites.create", "roles.create", "users.updateMetadata"]);
    fireEvent.change(picker, { target: { value: "roles.create" } });
    fireEvent.click(screen.getByTestId("audit-filter-apply"));
    await waitFor(() => expect(info()).toContain("Entries 1–1 of 1"));
    expect(transport.callsOf("audit.list").at(-1)).toMatchObject({ operation: "roles.create" });
  });
});
