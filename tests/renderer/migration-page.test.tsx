// @vitest-environment happy-dom
/**
 * The Migration screen over a fake transport: what each role sees and may do (auditors read and
 * export; admins set the criterion and the source), the criterion's checks (wrong input named,
 * then saved), the roster CSV refused with its lines, the lists per state (tabs, search, paging,
 * a row opens its user), and the scan's progress from job.progress events.
 */
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { OutputOf } from "../../shared/contract/index.ts";
import type { IndexFreshness, MigrationCriterion, MigrationRow, MigrationSnapshot, TenantTotals } from "../../shared/contract/operations/migration.ts";
import type { JobSummary } from "../../shared/contract/operations/jobs.ts";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { sessionHandlers, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

const DAY = 86_400_000;
const NOW = Date.now();

const totals = (tenantId: string, rosterTotal: number, migrated: number, temporaryPassword: number, conflict = 2, outsideRoster = 40): TenantTotals => ({
  tenantId,
  rosterTotal,
  migrated,
  temporaryPassword,
  notMigrated: rosterTotal - migrated - temporaryPassword - conflict,
  conflict,
  outsideRoster,
  share: (migrated + temporaryPassword) / rosterTotal,
});

const index: IndexFreshness = { state: "ready", builtAt: NOW - 3600_000, refreshedAt: NOW - 120_000, ageMs: 120_000, stale: false, users: 380, scanning: null };

const snapshots: MigrationSnapshot[] = Array.from({ length: 10 }, (_, d) => {
  const t = totals("public", 1000, 100 + d * 40, 20);
  return { id: d + 1, at: NOW - (9 - d) * DAY, kind: d < 5 ? "demo" : "full", demo: d < 5, ...t, tenants: [t] };
});

const job = (over: Partial<JobSummary> = {}): JobSummary => ({
  id: "scan-1",
  kind: "migration.scan",
  profileId: "p1",
  profileName: "Local demo",
  createdBy: "tester",
  inputSummary: "refresh",
  state: "running",
  createdAt: NOW,
  startedAt: NOW,
  finishedAt: null,
  total: 400,
  valid: 400,
  pending: 400,
  running: 0,
  done: 0,
  failed: 0,
  skipped: 0,
  etaMs: 60_000,
  error: null,
  ...over,
});

const row = (i: number, state: MigrationRow["state"]): MigrationRow => ({
  state,
  legacyId: `legacy-${100000 + i}`,
  userId: state === "not-migrated" ? null : `legacy-${100000 + i}`,
  email: `person${i}@legacy.example`,
  phoneNumbers: [],
  tenantId: "public",
  emailVerified: true,
  legacyCreatedAt: NOW - 400 * DAY,
  timeJoined: state === "not-migrated" ? null : NOW - DAY,
  migratedAt: state === "not-migrated" ? null : NOW - DAY,
  via: state === "not-migrated" ? null : "sign-in",
  reason: state === "conflict" ? "an account with this email is not mapped to this legacy id" : null,
});

interface World {
  criterion: MigrationCriterion | null;
  rows: Record<string, MigrationRow[]>;
}

function handlers(role: OperatorRole, world: World = { criterion: null, rows: {} }): Handlers {
  const last = snapshots[snapshots.length - 1]!;
  const rate = (): OutputOf<"migration.rate"> => ({
    windowDays: 7,
    from: { at: snapshots[2]!.at, share: 0.2, migrated: 200 },
    to: { at: last.at, share: 0.48, migrated: 480 },
    sharePerDay: 0.04,
    usersPerDay: 40,
    criterion: world.criterion,
    met: false,
    etaAt: world.criterion?.kind === "share" ? last.at + 8 * DAY : world.criterion ? world.criterion.date : null,
    projectedShare: null,
  });
  return {
    ...sessionHandlers(role),
    "migration.summary": () => ({ asOf: last.at, overall: { ...totals("x", 1000, 460, 20) }, tenants: [totals("public", 1000, 460, 20)], index, rosterChangedSinceScan: false }),
    "migration.history": () => ({ snapshots, total: snapshots.length }),
    "migration.rate": rate,
    "migration.criterion.get": () => ({ criterion: world.criterion, setBy: world.criterion ? "ada" : null, setAt: world.criterion ? NOW : null, share: 0.48, met: false, metAt: null }),
    "migration.criterion.set": ({ criterion }) => {
      world.criterion = criterion;
      return { criterion, setBy: "tester", setAt: NOW, share: 0.48, met: false, metAt: null };
    },
    "migration.source.get": () => ({
      source: { kind: "csv", fileName: "roster.csv", setAt: NOW - 30 * DAY, setBy: "ada" },
      total: 1000,
      withHashes: 0,
      tenants: [{ tenantId: "public", count: 1000 }],
      skippedDisabled: 0,
      updatedAt: NOW - 30 * DAY,
      read: null,
    }),
    "migration.scan.status": () => ({ job: null, index }),
    "migration.scan.start": () => ({ job: job(), index }),
    "migration.list": ({ state, offset = 0, limit = 100, search = "" }) => {
      const all = (world.rows[state] ?? []).filter((r) => (r.email ?? "").startsWith(search) || (r.legacyId ?? "").startsWith(search));
      return { rows: all.slice(offset, offset + limit), total: all.length, index };
    },
    "migration.export": ({ state }) => ({ filename: `migration-${state}.csv`, csv: "legacy_id,email\r\n", rows: 0 }),
    "migration.report": ({ format }) => ({ filename: `migration-report.${format}`, content: format === "json" ? "{}" : "at\r\n", snapshots: 10, changes: 2 }),
    "migration.source.importCsv": () => ({
      status: "refused",
      problems: [
        { line: 3, field: "email", message: 'line 3: email "not-an-email" is not an email address' },
        { line: 7, field: "legacy_id", message: "line 7: legacy id legacy-1 appears again (first on line 2)" },
      ],
      problemCount: 2,
      rows: 9,
    }),
    "jobs.pause": () => ({ job: job({ state: "paused", etaMs: null }) }),
  };
}

describe("Migration page", () => {
  it("shows an auditor the figures, the chart, the lists and the report, and no change", async () => {
    const { transport } = renderApp(handlers("auditor"), "#/migration");
    // The screen is its own chunk: the first render waits for it.
    expect(await screen.findByTestId("forecast-share", {}, { timeout: 5000 })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("forecast-share").textContent).toBe("48.0%"));
    expect(screen.getByTestId("forecast-rate").textContent).toContain("40 a day");
    expect(screen.getByTestId("totals-migrated").textContent).toBe("480");
    expect(screen.getByTestId("index-freshness").textContent).toContain("380 SuperTokens users indexed, refreshed 2 minutes ago");
    expect(screen.getByTestId("source-summary").textContent).toContain("1,000 legacy users, imported from the CSV file roster.csv");
    // Reading is open to every role: the scan too. Changing the migration is not.
    expect(screen.getByTestId("scan-refresh")).toBeTruthy();
    for (const change of ["criterion-edit", "criterion-remove", "source-edit"]) expect(screen.queryByTestId(change), change).toBeNull();

    // The report as a file (its download is checked in Chromium: tests/e2e/migration-console.e2e.ts).
    expect(screen.getByTestId("migration-report-csv")).toBeTruthy();
    fireEvent.click(screen.getByTestId("migration-report-json"));
    await waitFor(() => expect(transport.callsOf("migration.report")).toEqual([{ format: "json" }]));
  });

  it("lets an admin set the criterion: a wrong share is named and nothing is sent, then the right one is saved and drawn", async () => {
    const world: World = { criterion: null, rows: {} };
    const { transport } = renderApp(handlers("admin", world), "#/migration");
    fireEvent.click(await screen.findByTestId("criterion-edit", {}, { timeout: 5000 }));
    const dialog = await screen.findByTestId("criterion-dialog");
    const input = within(dialog).getByTestId("criterion-share");
    fireEvent.change(input, { target: { value: "120" } });
    fireEvent.click(within(dialog).getByTestId("criterion-save"));
    expect((await within(dialog).findByTestId("criterion-error")).textContent).toBe("120% is more than everyone: the target is at most 100%.");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    fireEvent.change(input, { target: { value: "eighty" } });
    fireEvent.click(within(dialog).getByTestId("criterion-save"));
    await waitFor(() => expect(within(dialog).getByTestId("criterion-error").textContent).toContain("“eighty” is not a percentage"));
    expect(transport.callsOf("migration.criterion.set")).toEqual([]);

    fireEvent.change(input, { target: { value: "80 %" } });
    fireEvent.click(within(dialog).getByTestId("criterion-save"));
    await waitFor(() => expect(screen.queryByTestId("criterion-dialog")).toBeNull());
    expect(transport.callsOf("migration.criterion.set")).toEqual([{ criterion: { kind: "share", targetShare: 0.8 } }]);
    await waitFor(() => expect(screen.getByTestId("criterion-value").textContent).toBe("80% of the legacy users migrated"));
    expect(screen.getByTestId("forecast-criterion").textContent).toContain("Target 80% (800 users; 320 to go)");
    expect(screen.getByTestId("criterion-set-by").textContent).toContain("Set by tester");
  });

  it("shows a refused roster CSV line by line, and says nothing was imported", async () => {
    const { transport } = renderApp(handlers("admin"), "#/migration");
    fireEvent.click(await screen.findByTestId("source-edit", {}, { timeout: 5000 }));
    const dialog = await screen.findByTestId("source-dialog");
    const file = new File(["legacy_id,email\nlegacy-1,a@example.com\n"], "roster.csv", { type: "text/csv" });
    fireEvent.change(within(dialog).getByTestId("roster-file"), { target: { files: [file] } });
    await waitFor(() => expect((within(dialog).getByTestId("roster-import") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(within(dialog).getByTestId("roster-import"));
    const problems = await within(dialog).findByTestId("roster-problems");
    expect(problems.textContent).toContain("Nothing was imported: 2 lines have problems (of 9 rows)");
    const lines = within(problems).getAllByTestId("roster-problem").map((r) => r.querySelector("td")?.textContent);
    expect(lines).toEqual(["3", "7"]);
    expect(transport.callsOf("migration.source.importCsv")).toEqual([{ rosterCsv: "legacy_id,email\nlegacy-1,a@example.com\n", fileName: "roster.csv", defaultTenant: "public" }]);
  });

  it("lists a state's users a page of 500 at a time, searches them, and opens a user from a row", async () => {
    const world: World = { criterion: null, rows: { "not-migrated": Array.from({ length: 1200 }, (_, i) => row(i, "not-migrated")), migrated: [row(1, "migrated"), row(2, "migrated")] } };
    const { transport } = renderApp(handlers("support", world), "#/migration");
    await waitFor(() => expect(screen.getByTestId("migration-list-pager-info").textContent).toContain("1–500 of 1,200"), { timeout: 5000 });
    // Virtualized: far fewer rows in the DOM than on the page.
    expect(screen.getAllByTestId("migration-row").length).toBeLessThan(100);
    fireEvent.click(screen.getByTestId("migration-list-pager-next"));
    await waitFor(() => expect(screen.getByTestId("migration-list-pager-info").textContent).toContain("501–1,000 of 1,200"));

    fireEvent.change(screen.getByTestId("migration-list-search"), { target: { value: "person119" } });
    await waitFor(() => expect(screen.getByTestId("migration-list-pager-info").textContent).toContain("1–11 of 11"));
    expect(transport.callsOf("migration.list").at(-1)).toEqual({ state: "not-migrated", search: "person119", offset: 0, limit: 500 });

    // Back to no search: the list starts at its first page again, not at the page it was on before.
    fireEvent.change(screen.getByTestId("migration-list-search"), { target: { value: "" } });
    await waitFor(() => expect(screen.getByTestId("migration-list-pager-info").textContent).toContain("1–500 of 1,200"));

    fireEvent.click(screen.getByTestId("migration-state-migrated"));
    await waitFor(() => expect(screen.getAllByTestId("migration-row")).toHaveLength(2));
    fireEvent.click(screen.getAllByTestId("migration-row")[0]!);
    await waitFor(() => expect(window.location.hash).toBe("#/users/legacy-100001"));
  });

  it("starts a scan and follows its progress; admins may pause it, others may not", async () => {
    for (const role of ["admin", "auditor"] as const) {
      const { transport } = renderApp(handlers(role), "#/migration");
      fireEvent.click(await screen.findByTestId("scan-refresh", {}, { timeout: 5000 }));
      await waitFor(() => expect(transport.callsOf("migration.scan.start")).toEqual([{ mode: "refresh" }]));
      expect(await screen.findByTestId("scan-progress")).toBeTruthy();
      transport.emit("job.progress", { jobId: "scan-1", profileId: "p1", state: "running", done: 100, failed: 0, skipped: 0, total: 400, etaMs: 30_000 });
      await waitFor(() => expect(screen.getByTestId("scan-state").textContent).toBe("Scanning · 100 of 400 · about 30 s left"));
      // Another profile's job does not move this one.
      transport.emit("job.progress", { jobId: "scan-1", profileId: "p2", state: "running", done: 300, failed: 0, skipped: 0, total: 400, etaMs: 1 });
      expect(screen.getByTestId("scan-state").textContent).toContain("100 of 400");
      if (role === "admin") {
        fireEvent.click(screen.getByTestId("scan-pause"));
        await waitFor(() => expect(screen.getByTestId("scan-state").textContent).toContain("Paused"));
      } else {
        expect(screen.queryByTestId("scan-pause")).toBeNull();
      }
      cleanup();
    }
  });

  it("shows a scan that ended before the answer that started it as ended, and loads the figures again", async () => {
    const fake: { emit?: (name: "job.progress", payload: { jobId: string; profileId: string; state: "completed"; done: number; failed: number; skipped: number; total: number; etaMs: null }) => void } = {};
    const { transport } = renderApp(
      {
        ...handlers("admin"),
        "migration.scan.start": () => {
          // A small scan: done, and its end announced, before this answer is on its way.
          fake.emit?.("job.progress", { jobId: "scan-1", profileId: "p1", state: "completed", done: 400, failed: 0, skipped: 0, total: 400, etaMs: null });
          return { job: job(), index };
        },
      },
      "#/migration",
    );
    fake.emit = (name, payload) => transport.emit(name, payload);
    fireEvent.click(await screen.findByTestId("scan-refresh", {}, { timeout: 5000 }));
    await waitFor(() => expect(transport.callsOf("migration.scan.start")).toHaveLength(1));
    await waitFor(() => expect(transport.callsOf("migration.summary")).toHaveLength(2));
    await waitFor(() => expect(screen.queryByTestId("scan-progress")).toBeNull());
  });
});

const draftJob = job({ id: "end-1", kind: "migration.end", state: "draft", total: 3, valid: 2, pending: 2, startedAt: null, etaMs: null });
const endHandlers = (role: OperatorRole, world: World): Handlers => ({
  ...handlers(role, world),
  "migrationEnd.capabilities": () => ({ bulkImport: { available: false, reason: "This API is not supported in the in-memory database." }, path: "sdk" }),
  "migrationEnd.status": () => ({ job: null, path: null, phase: null, links: { sent: 0, outbox: 0 }, bulk: null }),
  "migrationEnd.plan": () => ({
    path: "sdk",
    pathReason: "the Core has no bulk import",
    job: draftJob,
    nothing: null,
    counts: { accounts: 2, keepPassword: 0, resetLinks: 2, conflicts: 1, alreadyMigrated: 0 },
    items: [],
  }),
  "jobs.get": () => ({ job: draftJob, items: [], itemsTotal: 0 }),
  "jobs.start": () => ({ job: { ...draftJob, state: "running", startedAt: NOW } }),
  "resetLinks.settings.get": () => ({ template: { subject: "Reset", text: "{{link}}" }, appUrl: "http://localhost:3000", websiteBasePath: "/auth", smtp: false }),
  "resetLinks.send": ({ userId }) => ({ userId, email: `${userId}@legacy.example`, tenantId: "public", link: "http://localhost:3000/auth/reset-password?token=t1&tenantId=public", expiresAt: NOW + 3600_000, delivery: "outbox", messageId: "outbox:1" }),
});

describe("Migration page: reset links and the end of the migration", () => {
  it("lets support send one user on a temporary password a reset link, shown with its delivery; an auditor has no such button", async () => {
    const world: World = { criterion: null, rows: { "temporary-password": [row(7, "temporary-password")] } };
    const { transport } = renderApp(endHandlers("support", world), "#/migration");
    fireEvent.click(await screen.findByTestId("migration-state-temporary-password", {}, { timeout: 5000 }));
    fireEvent.click(await screen.findByTestId("reset-link-send"));
    const dialog = await screen.findByTestId("reset-link-dialog");
    // Nothing is sent before the operator confirms, and the dialog says where it will go.
    expect(transport.callsOf("resetLinks.send")).toEqual([]);
    await waitFor(() => expect(within(dialog).getByTestId("reset-link-delivery").textContent).toContain("no SMTP server"));
    // The row under the dialog did not open the user.
    expect(window.location.hash).toBe("#/migration");
    fireEvent.click(within(dialog).getByTestId("reset-link-confirm"));
    const result = await within(dialog).findByTestId("reset-link-result");
    expect(result.textContent).toContain("outbox for legacy-100007@legacy.example");
    expect((within(result).getByTestId("reset-link") as HTMLInputElement).value).toContain("reset-password?token=t1");
    expect(transport.callsOf("resetLinks.send")).toEqual([{ userId: "legacy-100007" }]);
    cleanup();

    renderApp(endHandlers("auditor", world), "#/migration");
    fireEvent.click(await screen.findByTestId("migration-state-temporary-password", {}, { timeout: 5000 }));
    await waitFor(() => expect(screen.getAllByTestId("migration-row")).toHaveLength(1));
    expect(screen.queryByTestId("reset-link-send")).toBeNull();
    expect(screen.queryByTestId("reset-links")).toBeNull();
    expect(screen.queryByTestId("end-dry-run")).toBeNull();
  });

  it("lets an admin end the migration only after a dry run and typing the number of accounts", async () => {
    const { transport } = renderApp(endHandlers("admin", { criterion: null, rows: {} }), "#/migration");
    expect((await screen.findByTestId("migration-end-path", {}, { timeout: 5000 })).textContent).toContain("no bulk import (This API is not supported in the in-memory database.)");
    fireEvent.change(screen.getByTestId("end-provider"), { target: { value: "LegacyAuth" } });
    fireEvent.click(screen.getByTestId("end-dry-run"));
    expect((await screen.findByTestId("end-plan-counts")).textContent).toContain("2 accounts to create: 0 keep their legacy password, 2 users get a temporary password and a reset link. Skipped: 1 conflict");
    expect(transport.callsOf("migrationEnd.plan")).toEqual([{ provider: "LegacyAuth", path: "auto" }]);
    fireEvent.click(screen.getByTestId("end-start"));
    const dialog = await screen.findByTestId("end-start-dialog");
    const confirm = within(dialog).getByTestId("confirm-button") as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByTestId("confirm-input"), { target: { value: "3" } });
    expect(confirm.disabled).toBe(true);
    expect(transport.callsOf("jobs.start")).toEqual([]);
    fireEvent.change(within(dialog).getByTestId("confirm-input"), { target: { value: "2" } });
    fireEvent.click(confirm);
    await waitFor(() => expect(transport.callsOf("jobs.start")).toEqual([{ jobId: "end-1" }]));
  });
});
