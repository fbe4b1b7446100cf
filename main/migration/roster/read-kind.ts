/**
 * "migration.rosterRead": reads the roster from the profile's legacy service page by page, as a
 * job (progress, ETA, retries with backoff while the service is down, resume after a crash). Pages
 * go to a staging table with the service's cursor for the next page, one transaction per page, so
 * a resumed read continues where it stopped. The roster in force is replaced only by the last
 * item, in one transaction, and only when every page was read and every listed user is valid:
 * nothing is half-imported. Disabled accounts are left out (they can never migrate).
 */
import { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { JobKind, PreparedItem } from "../../jobs/kind.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor } from "../../store/statements.ts";
import type { RosterProblem } from "./csv.ts";
import { LISTING_PAGE, entryFromListing, fetchListingPage } from "./legacy-listing.ts";
import type { RosterStore } from "./store.ts";

export const ROSTER_READ_KIND = "migration.rosterRead";

type Item = { step: "page"; page: number; last: boolean } | { step: "replace"; pages: number };
type Result = { users: number; skipped: number; problems: number; detail: string };

interface PageRow {
  cursor_out: string | null;
  users: number;
  skipped: number;
  total: number | null;
  problem_count: number;
}

/** Problems kept per page (the rest are counted). */
const KEEP_PROBLEMS = 20;

export interface RosterReadDeps {
  db: StoreDb;
  roster: RosterStore;
  now: () => number;
  /** After the roster was replaced (re-classify against the index). */
  replaced: (profileId: string) => void;
}

export function rosterReadKind(deps: RosterReadDeps): JobKind<Record<string, never>, Item, Result> {
  const sql = preparedFor(deps.db);
  const pageRow = (jobId: string, page: number) =>
    sql("SELECT cursor_out, users, skipped, total, problem_count FROM migration_read_pages WHERE job_id = ? AND page = ?").get(jobId, page) as PageRow | undefined;
  const problemsOf = (jobId: string) =>
    (sql("SELECT problems FROM migration_read_pages WHERE job_id = ? AND page >= 0 AND problems IS NOT NULL ORDER BY page").all(jobId) as { problems: string }[]).flatMap(
      (r) => JSON.parse(r.problems) as RosterProblem[],
    );

  const source = (profileId: string) => {
    const s = deps.roster.source(profileId);
    if (s?.kind !== "service" || !s.url) throw new GatehouseError({ code: "VALIDATION", message: "This profile's migration source is not a legacy service: set one first." });
    return { url: s.url, token: deps.roster.token(profileId), tenantId: s.tenant_id ?? "public" };
  };

  return {
    name: ROSTER_READ_KIND,
    permission: "migration:write",
    input: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
    concurrency: 1,
    // Its pages are staged in this instance's SQLite: on a shared job store it runs here only.
    instanceBound: true,
    inputColumns: ["step", "page"],
    resultColumns: ["users", "skipped", "problems", "detail"],
    describe: (_input, items) => `read the legacy roster (${items.length - 1} page${items.length === 2 ? "" : "s"})`,
    async prepare(_input, ctx) {
      const { url, token } = source(ctx.profileId);
      // The total sizes the plan; a service that cannot be asked now gets a one-page plan whose item says why.
      let pages = 1;
      let plan = "the whole listing";
      try {
        const probe = await fetchListingPage(url, token, null, 1);
        if (probe.total !== null) {
          pages = Math.max(1, Math.ceil(probe.total / LISTING_PAGE));
          plan = `${probe.total.toLocaleString("en-US")} legacy users`;
        }
      } catch (err) {
        plan = `the listing could not be counted now: ${err instanceof Error ? err.message : String(err)}`;
      }
      const items: PreparedItem<Item>[] = Array.from({ length: pages }, (_, page) => ({
        input: { step: "page", page, last: page === pages - 1 },
        plan: page === pages - 1 ? `page ${page + 1} to the end (${plan})` : `page ${page + 1} of ${pages}`,
      }));
      items.push({ input: { step: "replace", pages }, plan: "replace the roster in force, if every page was read and every user is valid" });
      return items;
    },
    async runItem(item, ctx) {
      return item.step === "page" ? readPages(item, ctx.profileId, ctx.jobId) : replaceRoster(item, ctx.profileId, ctx.jobId, ctx.createdBy);
    },
  };

  async function readPages(item: Extract<Item, { step: "page" }>, profileId: string, jobId: string): Promise<Result> {
    const { url, token, tenantId } = source(profileId);
    let after: string | null = null;
    if (item.page > 0) {
      const before = pageRow(jobId, item.page - 1);
      if (!before) throw new GatehouseError({ code: "INTERNAL", message: "the page before this one was not read (its item failed): run the failed items again" });
      after = before.cursor_out;
      if (after === null) return { users: 0, skipped: 0, problems: 0, detail: "the listing ended before this page" };
    }
    const exists = sql("SELECT 1 FROM migration_roster_staging WHERE job_id = ? AND legacy_id = ?");
    const stage = sql("INSERT INTO migration_roster_staging (job_id, legacy_id, email, email_verified, created_at, data) VALUES (?, ?, ?, ?, ?, ?)");
    const record = sql("INSERT OR REPLACE INTO migration_read_pages (job_id, page, cursor_out, users, skipped, total, problem_count, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    // The last planned page reads on to the end (the listing may have grown); its extra pages are
    // numbered on, each journaled like the planned ones, so a resume starts after the last one read.
    let page = item.page;
    const sum: Result = { users: 0, skipped: 0, problems: 0, detail: "" };
    for (;;) {
      let row = pageRow(jobId, page);
      if (!row) {
        const got = await fetchListingPage(url, token, after);
        const position = page * LISTING_PAGE;
        const problems: RosterProblem[] = [];
        let users = 0;
        let skipped = 0;
        deps.db.transaction(() => {
          got.users.forEach((raw, i) => {
            const read = entryFromListing(raw, position + i + 1, tenantId);
            if ("disabled" in read) skipped++;
            else if ("problem" in read) problems.push(read.problem);
            else if (exists.get(jobId, read.entry.legacyId)) problems.push({ line: position + i + 1, field: "id", message: `the legacy id "${read.entry.legacyId}" is listed twice` });
            else {
              const e = read.entry;
              stage.run(jobId, e.legacyId, e.email, e.emailVerified ? 1 : 0, e.createdAt, e.data ? JSON.stringify(e.data) : null);
              users++;
            }
          });
          record.run(jobId, page, got.nextCursor, users, skipped, got.total, problems.length, problems.length ? JSON.stringify(problems.slice(0, KEEP_PROBLEMS)) : null);
        })();
        row = { cursor_out: got.nextCursor, users, skipped, total: got.total, problem_count: problems.length };
      }
      sum.users += row.users;
      sum.skipped += row.skipped;
      sum.problems += row.problem_count;
      if (row.cursor_out === null || !item.last) break;
      after = row.cursor_out;
      page++;
    }
    sum.detail = sum.problems > 0 ? `${sum.problems} listed users are not valid` : "";
    return sum;
  }

  function replaceRoster(item: Extract<Item, { step: "replace" }>, profileId: string, jobId: string, createdBy: string): Result {
    const fail = (message: string): never => {
      deps.roster.noteRead(profileId, jobId, message);
      throw new GatehouseError({ code: "VALIDATION", message });
    };
    for (let p = 0; p < item.pages; p++) if (!pageRow(jobId, p)) fail(`Page ${p + 1} of the listing could not be read; the roster in force is unchanged. Run the failed items again.`);
    const problems = problemsOf(jobId);
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).map((p) => `user #${p.line}: ${p.field ? `${p.field}: ` : ""}${p.message}`);
      fail(`The listing has users that are not valid, so nothing was imported (the roster in force is unchanged): ${shown.join("; ")}${problems.length > 5 ? "; …" : ""}.`);
    }
    // Idempotent: page -1 marks the roster replaced by this job (in the same transaction).
    if (pageRow(jobId, -1)) return { users: pageRow(jobId, -1)?.users ?? 0, skipped: 0, problems: 0, detail: "the roster was replaced" };
    const { users, skipped } = sql("SELECT COALESCE(SUM(users), 0) AS users, COALESCE(SUM(skipped), 0) AS skipped FROM migration_read_pages WHERE job_id = ? AND page >= 0").get(jobId) as {
      users: number;
      skipped: number;
    };
    const { tenantId } = source(profileId);
    deps.db.transaction(() => {
      deps.roster.replace(profileId, { stagedBy: jobId, tenantId }, { kind: "service", at: deps.now(), by: createdBy, skippedDisabled: skipped });
      deps.roster.noteRead(profileId, jobId, null);
      sql("INSERT INTO migration_read_pages (job_id, page, cursor_out, users, skipped) VALUES (?, -1, NULL, ?, ?)").run(jobId, users, skipped);
    })();
    deps.replaced(profileId);
    return { users, skipped, problems: 0, detail: "the roster was replaced" };
  }
}
