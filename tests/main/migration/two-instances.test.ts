/**
 * Two Gatehouse instances on one PostgreSQL (a real cluster started for the test), as two team
 * servers with the same configured profile on one embedded core. Instance A imports a roster,
 * scans, sets the end criterion and runs the end of the migration (supertokens-node path, reset
 * links to the outbox). Then A is gone, and the job is left as if A had died with one item under
 * way after its link was made (the item set back to pending in the job store: the injected
 * fault). Instance B, started on the same database, takes the job up and runs that item as a
 * repeat. B must:
 *   - show A's snapshots and criterion (shared progress);
 *   - count A's links (shared marks), and answer the item with the link A made, adding no second
 *     mail to the outbox, which is shared too (the invites store): B lists A's messages, one per
 *     user (with per-instance marks it would ask the Core for a new link, and count no links of A's).
 * The end of the migration is planned from the roster and classification A's import and scan left
 * in the shared store (no roster is given to either instance).
 */
import { describe, expect, it } from "vitest";
import type { RosterEntry } from "../../../main/migration/roster/types.ts";
import { openPostgres } from "../../../main/store/postgres/pool.ts";
import { directCore, type TestGatehouse } from "../helpers/gatehouse.ts";
import { jobWhere } from "../jobs/helpers.ts";
import { legacyUsers } from "./end/support.ts";
import { useSharedInstances } from "./shared-instances.ts";
import { migrate, rosterCsv, scan } from "./world.ts";

const shared = useSharedInstances("gatehouse-two-");
const instance = () => shared.instance();
const users: RosterEntry[] = legacyUsers("shared", 6);

const resets = async (t: TestGatehouse) => (await t.client.invoke("invites.outbox.list", { limit: 100 })).entries.filter((e) => e.link?.includes("/reset-password?token="));

describe("two instances on one PostgreSQL: the migration area", () => {
  let a: TestGatehouse;
  let jobId = "";
  let history: unknown;
  let linkOfRepeat = "";
  const REPEAT = 2;

  it("instance A: roster, scan, criterion and the end of the migration, links in its outbox", async () => {
    a = await instance();
    await migrate(directCore(shared.coreUrl), "early-1", "early.1@legacy.example.com");
    await a.client.invoke("migration.source.importCsv", { rosterCsv: rosterCsv([["early-1", "early.1@legacy.example.com"], ...users.map((u): [string, string] => [u.legacyId, u.email])]) });
    await scan(a.client, "full");
    await a.client.invoke("migration.criterion.set", { criterion: { kind: "share", targetShare: 0.9 } });
    history = (await a.client.invoke("migration.history", {})).snapshots;
    expect(history).toEqual([expect.objectContaining({ kind: "full", migrated: 1, rosterTotal: 7 })]);

    const plan = await a.client.invoke("migrationEnd.plan", { path: "sdk", provider: "LegacyAuth" });
    jobId = plan.job?.id ?? "";
    await a.client.invoke("jobs.start", { jobId });
    await jobWhere(a.client, jobId, (j) => j.state === "completed", "the end job to complete on A", 60_000);
    expect(await resets(a)).toHaveLength(users.length);
    const { items } = await a.client.invoke("jobs.get", { jobId });
    linkOfRepeat = String(items[REPEAT]?.result?.link ?? "");
    expect(linkOfRepeat).toContain("/reset-password?token=");
    await shared.stop(a);
  });

  it("instance B sees A's snapshots and criterion, and takes A's last item up as a repeat without a second link", async () => {
    // The fault: A died with this item under way, its link made and marked, its outcome not journaled.
    const pool = await openPostgres(shared.databaseUrl, { max: 1 });
    await pool.query("UPDATE job_items SET state = 'pending', result = NULL, owner = NULL, lease_until = NULL WHERE job_id = $1 AND idx = $2", [jobId, REPEAT]);
    await pool.query("UPDATE jobs SET state = 'running', finished_at = NULL WHERE id = $1", [jobId]);
    await pool.end();

    const b = await instance();
    expect((await b.client.invoke("migration.history", {})).snapshots).toEqual(history);
    expect(await b.client.invoke("migration.criterion.get", {})).toMatchObject({ criterion: { kind: "share", targetShare: 0.9 }, setBy: "tester", met: false });

    await jobWhere(b.client, jobId, (j) => j.state === "completed", "B to finish the job", 60_000);
    const { items } = await b.client.invoke("jobs.get", { jobId });
    const item = items[REPEAT];
    expect(item).toMatchObject({ state: "done", attempts: 2 });
    expect(item?.result?.link).toBe(linkOfRepeat);
    // The outbox is shared too: B lists A's messages, one per user, and the repeat's link once (no second message).
    const listed = await resets(b);
    expect(listed).toHaveLength(users.length);
    expect(listed.filter((e) => e.link === linkOfRepeat)).toHaveLength(1);
    expect(await b.client.invoke("migrationEnd.status", { jobId })).toMatchObject({ phase: "finished", links: { sent: 0, outbox: users.length } });
  });
});
