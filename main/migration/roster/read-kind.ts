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
import type { SecretBox } from "../../secrets/secret-box.ts";
import type { RosterProblem } from "./csv.ts";
import { LISTING_PAGE, entryFromListing, fetchListingPage } from "./legacy-listing.ts";
import type { RosterStore } from "./store.ts";
import type { RosterEntry } from "./types.ts";

export const ROSTER_READ_KIND = "migration.rosterRead";

type Item = { step: "page"; page: number; last: boolean } | { step: "replace"; pages: number };
type Result = { users: number; skipped: number; problems: number; detail: string };

/** Problems kept per page (the rest are counted). */
const KEEP_PROBLEMS = 20;

export interface RosterReadDeps {
  roster: RosterStore;
  secrets: SecretBox;
  now: () => number;
  /** After the roster was replaced (re-classify against the index). */
  replaced: (profileId: string) => Promise<void>;
}

export function rosterReadKind(deps: RosterReadDeps): JobKind<Record<string, never>, Item, Result> {
  const { roster } = deps;
  const source = async (profileId: string) => {
    const s = await roster.source(profileId);
    if (s?.kind !== "service" || !s.url) throw new GatehouseError({ code: "VALIDATION", message: "This profile's migration source is not a legacy service: set one first." });
    return { url: s.url, token: s.token_sealed ? deps.secrets.open(s.token_sealed) : null, tenantId: s.tenant_id ?? "public" };
  };

  return {
    name: ROSTER_READ_KIND,
    permission: "migration:write",
    input: z.object({}).strict() as unknown as z.ZodType<Record<string, never>>,
    concurrency: 1,
    // Each item goes on from where the one before it stopped (the Core's or the service's cursor), and
    // the job engine's concurrency is per instance: on a shared job store (PostgreSQL), two instances
    // would run an item before the one it follows. So it runs on the instance that planned it, even
    // though its pages are staged in the shared store there.
    instanceBound: true,
    inputColumns: ["step", "page"],
    resultColumns: ["users", "skipped", "problems", "detail"],
    describe: (_input, items) => `read the legacy roster (${items.length - 1} page${items.length === 2 ? "" : "s"})`,
    async prepare(_input, ctx) {
      const { url, token } = await source(ctx.profileId);
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
      return item.step === "page" ? readPages(item, ctx.profileId, ctx.jobId) : replaceRoster(item, ctx.profileId, ctx.jobId);
    },
  };

  async function readPages(item: Extract<Item, { step: "page" }>, profileId: string, jobId: string): Promise<Result> {
    const { url, token, tenantId } = await source(profileId);
    let after: string | null = null;
    if (item.page > 0) {
      const before = await roster.readPage(jobId, item.page - 1);
      if (!before) throw new GatehouseError({ code: "INTERNAL", message: "the page before this one was not read (its item failed): run the failed items again" });
      after = before.cursor_out;
      if (after === null) return { users: 0, skipped: 0, problems: 0, detail: "the listing ended before this page" };
    }
    // The last planned page reads on to the end (the listing may have grown); its extra pages are
    // numbered on, each journaled like the planned ones, so a resume starts after the last one read.
    let page = item.page;
    const sum: Result = { users: 0, skipped: 0, problems: 0, detail: "" };
    for (;;) {
      let row = await roster.readPage(jobId, page);
      if (!row) {
        const got = await fetchListingPage(url, token, after);
        const position = page * LISTING_PAGE;
        const reads = got.users.map((raw, i) => entryFromListing(raw, position + i + 1, tenantId));
        const before = await roster.staged(jobId, reads.flatMap((r) => ("entry" in r ? [r.entry.legacyId] : [])));
        const problems: RosterProblem[] = [];
        const entries: RosterEntry[] = [];
        let skipped = 0;
        reads.forEach((read, i) => {
          if ("disabled" in read) skipped++;
          else if ("problem" in read) problems.push(read.problem);
          else if (before.has(read.entry.legacyId)) problems.push({ line: position + i + 1, field: "id", message: `the legacy id "${read.entry.legacyId}" is listed twice` });
          else {
            before.add(read.entry.legacyId);
            entries.push(read.entry);
          }
        });
        await roster.stageReadPage(jobId, page, { entries, cursorOut: got.nextCursor, skipped, total: got.total, problemCount: problems.length, problems: problems.slice(0, KEEP_PROBLEMS) });
        row = { cursor_out: got.nextCursor, users: entries.length, skipped, total: got.total, problem_count: problems.length };
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

  async function replaceRoster(item: Extract<Item, { step: "replace" }>, profileId: string, jobId: string): Promise<Result> {
    const fail = async (message: string): Promise<never> => {
      await roster.noteRead(profileId, jobId, message);
      throw new GatehouseError({ code: "VALIDATION", message });
    };
    for (let p = 0; p < item.pages; p++) if (!(await roster.readPage(jobId, p))) await fail(`Page ${p + 1} of the listing could not be read; the roster in force is unchanged. Run the failed items again.`);
    const problems = await roster.readProblems(jobId);
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).map((p) => `user #${p.line}: ${p.field ? `${p.field}: ` : ""}${p.message}`);
      await fail(`The listing has users that are not valid, so nothing was imported (the roster in force is unchanged): ${shown.join("; ")}${problems.length > 5 ? "; …" : ""}.`);
    }
    // Idempotent: page -1 marks the roster replaced by this job (in the same transaction).
    const done = await roster.readPage(jobId, -1);
    if (done) return { users: done.users, skipped: 0, problems: 0, detail: "the roster was replaced" };
    const { users, skipped } = await roster.readTotals(jobId);
    const { tenantId } = await source(profileId);
    if (await roster.replaceFromRead(profileId, jobId, { tenantId, at: deps.now(), skippedDisabled: skipped, users })) await deps.replaced(profileId);
    return { users, skipped, problems: 0, detail: "the roster was replaced" };
  }
}
