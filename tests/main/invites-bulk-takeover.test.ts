/**
 * A bulk invite taken over on PostgreSQL: instance "a" (a process of its own) runs a one-row
 * invites.bulk job, mails the link through a real SMTP server, records it, and is killed before
 * its job engine journals the row's end. Instance "b" on the same PostgreSQL takes the row over
 * once a's lease runs out and runs it as a repeat: it finds a's "delivered" mark in the shared
 * invites store and finishes the row with a's result. The invitee got one mail, and the link in
 * it is the row's link. (With the marks kept per instance, b would mail a second link.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import { startTestCore, type TestCore } from "../support/core.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import { forkGatehouse, type ForkedGatehouse } from "./jobs/crash.ts";
import { jobWhere, waitFor } from "./jobs/helpers.ts";
import { startSharedInstance, type SharedInstance } from "./helpers/shared-instance.ts";
import { SMTP_USER, linkIn, startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";

const SMTP_PASSWORD = "smtp-takeover-Pa55word";
/** Short, so the takeover comes soon after the death; far longer than a row takes here. */
const LEASE_MS = 1500;
const DYING = fileURLToPath(new URL("./helpers/dying-instance.ts", import.meta.url));
const EMAIL = "taken.over@example.com";

let dir: string;
let cluster: TestPostgres;
let core: TestCore;
let smtp: TestSmtp;
let pool: pg.Pool;
let a: ForkedGatehouse | undefined;
let b: SharedInstance | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-invites-takeover-"));
  [cluster, core, smtp] = await Promise.all([startTestPostgres(), startTestCore(), startTestSmtp(SMTP_PASSWORD)]);
  pool = await openPostgres(cluster.url, { max: 4 });
}, 90_000);

afterAll(async () => {
  await a?.crash().catch(() => {});
  await b?.gatehouse.close();
  await pool?.end();
  await smtp?.close();
  await core?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe("invites.bulk on two instances sharing PostgreSQL", () => {
  it("a row taken over after its mail went out is not mailed again", async () => {
    const keyFile = join(dir, "server.key");
    const env = { SHARED_PG_URL: cluster.url, SHARED_CORE_URL: core.url, SHARED_KEY_FILE: keyFile };
    const dying = await forkGatehouse(join(dir, "a"), { leaseMs: LEASE_MS }, { script: DYING, env });
    a = dying;
    await dying.client.invoke("invites.settings.update", {
      appUrl: "https://app.example.com",
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <invites@example.com>" },
      smtpPassword: SMTP_PASSWORD,
    });
    const { job } = await dying.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: `email\n${EMAIL}\n` } });
    await dying.client.invoke("jobs.start", { jobId: job.id }).catch(() => undefined);

    // a mails the link, records it, and dies before its job engine says the row is done.
    await waitFor("instance a to die", () => gone(dying.pid), 30_000);
    expect(smtp.received.filter((m) => m.to.includes(EMAIL))).toHaveLength(1);
    const held = await pool.query<{ state: string; attempts: number }>("SELECT state, attempts FROM job_items WHERE job_id = $1", [job.id]);
    expect(held.rows).toEqual([{ state: "running", attempts: 1 }]);

    b = await startSharedInstance({ dataDir: join(dir, "b"), pool, coreUrl: core.url, keyFile, leaseMs: LEASE_MS });
    const done = await jobWhere(b.client, job.id, (j) => j.state === "completed", "instance b to finish the job", 30_000);
    expect(done).toMatchObject({ done: 1, failed: 0 });
    const { items } = await b.client.invoke("jobs.get", { jobId: job.id });
    const item = items[0];
    // Taken up again by b (a second attempt), and finished with what a had delivered.
    expect(item?.attempts).toBe(2);
    const mails = smtp.received.filter((m) => m.to.includes(EMAIL));
    expect(mails).toHaveLength(1);
    expect(item?.result).toMatchObject({ outcome: "invited", delivery: "sent", link: linkIn(mails[0] as (typeof mails)[number]).link });

    const listed = await b.client.invoke("invites.list", { tenantId: "public" });
    expect(listed.invites.map((i) => [i.email, i.delivery, i.status])).toEqual([[EMAIL, "sent", "pending"]]);
  });
});
