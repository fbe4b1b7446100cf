// @vitest-environment happy-dom
/** Bulk invite from CSV on the Invites page: a file or pasted rows, the dry run's counts and rows, Start, then the job on the Jobs page. */
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { JobItem, JobSummary } from "../../shared/contract/operations/jobs.ts";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { sessionHandlers, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

afterEach(cleanup);

const summary = (over: Partial<JobSummary> = {}): JobSummary => ({
  id: "bulk-1",
  kind: "invites.bulk",
  profileId: "p1",
  profileName: "Local demo",
  createdBy: "ada",
  inputSummary: "invite 4 CSV rows: 2 new, 1 new links, 0 skipped, 1 with errors",
  state: "draft",
  createdAt: 1,
  startedAt: null,
  finishedAt: null,
  total: 4,
  valid: 3,
  pending: 3,
  running: 0,
  done: 0,
  failed: 0,
  skipped: 1,
  etaMs: null,
  error: null,
  ...over,
});

const item = (index: number, email: string, plan: string | null, error: string | null = null): JobItem => ({
  index,
  input: { line: index + 2, email, phoneNumber: "", tenantId: "public", roles: index === 0 ? "support" : "" },
  state: error ? "skipped" : "pending",
  plan,
  attempts: 0,
  result: null,
  error,
  updatedAt: 1,
});

const ITEMS = [
  item(0, "ann@example.com", "invite new user with support"),
  item(1, "bob@example.com", "invite new user"),
  item(2, "cy@example.com", "already exists: send a new link (user u-cy)"),
  item(3, "bad", null, 'line 5: "bad" is not an email address.'),
];

function handlers(role: OperatorRole): Handlers {
  return {
    ...sessionHandlers(role),
    "invites.list": () => ({ invites: [], total: 0, counts: { all: 0, pending: 0, accepted: 0, "link-expired": 0, revoked: 0 }, sync: { syncedAt: 1, scanned: 0, found: 0, truncated: false } }),
    "invites.outbox.list": () => ({ entries: [], total: 0 }),
    "roles.list": () => ({ roles: [] }),
    "jobs.dryRun": () => ({ job: summary(), items: ITEMS.slice(0, 2) }),
    "jobs.get": (i) => ({ job: summary(), items: ITEMS.slice(i.offset ?? 0, (i.offset ?? 0) + (i.limit ?? 1000)), itemsTotal: ITEMS.length }),
    "jobs.start": () => ({ job: summary({ state: "running" }) }),
    "jobs.list": () => ({ jobs: [summary({ state: "running" })], total: 1 }),
  };
}

describe("Bulk invite from CSV", () => {
  it("runs the dry run on pasted rows, pages in every row, shows counts and errors, starts the job and links to it", async () => {
    const { transport } = renderApp(handlers("admin"), "#/invites");
    const paste = await screen.findByTestId("bulk-invite-paste");
    const csv = "email,roles\nann@example.com,support\nbob@example.com\ncy@example.com\nbad\n";
    fireEvent.change(paste, { target: { value: csv } });
    fireEvent.click(screen.getByTestId("bulk-invite-plan"));
    const dryrun = await screen.findByTestId("bulk-invite-dryrun");
    expect(transport.callsOf("jobs.dryRun").at(-1)).toEqual({ kind: "invites.bulk", input: { csv, defaultTenant: "public" } });
    // The dry run answered with 2 rows; the other 2 came from jobs.get.
    expect(transport.callsOf("jobs.get").at(-1)).toMatchObject({ jobId: "bulk-1", offset: 2 });
    expect(screen.getByTestId("bulk-invite-count-invite").textContent).toBe("2");
    expect(screen.getByTestId("bulk-invite-count-link").textContent).toBe("1");
    expect(screen.getByTestId("bulk-invite-count-errors").textContent).toBe("1");
    const rows = screen.getAllByTestId("bulk-invite-row");
    expect(rows).toHaveLength(4);
    expect(rows[3]?.textContent).toContain('"bad" is not an email address.');
    expect(dryrun.textContent).toContain("invite new user with support");

    fireEvent.click(screen.getByTestId("bulk-invite-start"));
    await screen.findByTestId("bulk-invite-started");
    expect(transport.callsOf("jobs.start").at(-1)).toEqual({ jobId: "bulk-1" });
    fireEvent.click(screen.getByTestId("bulk-invite-job-link"));
    await waitFor(() => expect(window.location.hash).toBe("#/jobs"));
    expect(await screen.findByTestId("job-view")).toBeTruthy();
  });

  it("refuses a file over 50 MB without reading it", async () => {
    const { transport } = renderApp(handlers("admin"), "#/invites");
    const input = (await screen.findByTestId("bulk-invite-file")) as HTMLInputElement;
    const big = new File(["x"], "huge.csv", { type: "text/csv" });
    Object.defineProperty(big, "size", { value: 51 * 1024 * 1024 });
    fireEvent.change(input, { target: { files: [big] } });
    expect((await screen.findByTestId("bulk-invite-file-error")).textContent).toBe("huge.csv is 51.0 MB; the limit is 50 MB. Split it into smaller files.");
    expect((screen.getByTestId("bulk-invite-plan") as HTMLButtonElement).disabled).toBe(true);
    expect(transport.callsOf("jobs.dryRun")).toHaveLength(0);
  });

  it("is not offered to support or auditors", async () => {
    for (const role of ["support", "auditor"] as const) {
      renderApp(handlers(role), "#/invites");
      await screen.findByRole("heading", { level: 1, name: "Invites" });
      expect(screen.queryByTestId("bulk-invite-file")).toBeNull();
      cleanup();
    }
  });
});
