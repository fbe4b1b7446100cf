/**
 * Two Gatehouse instances on one PostgreSQL (a real cluster started for the test), as two team
 * server instances behind a load balancer: one Core, the same server key and configured profile.
 * What one does with invites the other sees: the list and its sync, the outbox (and marking it
 * handled), the settings, the SMTP password sealed by one and used by the other (a real SMTP
 * server), and a revoke that empties the other's outbox.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../main/store/postgres/pool.ts";
import { startTestCore, type TestCore } from "../support/core.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import { startSharedInstance, type SharedInstance } from "./helpers/shared-instance.ts";
import { SMTP_USER, linkIn, startTestSmtp, type TestSmtp } from "./helpers/smtp.ts";

const SMTP_PASSWORD = "smtp-shared-Pa55word";

let dir: string;
let cluster: TestPostgres;
let core: TestCore;
let smtp: TestSmtp;
const pools: pg.Pool[] = [];
let a: SharedInstance;
let b: SharedInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-invites-pg-"));
  [cluster, core, smtp] = await Promise.all([startTestPostgres(), startTestCore(), startTestSmtp(SMTP_PASSWORD)]);
  for (let i = 0; i < 2; i++) pools.push(await openPostgres(cluster.url, { max: 4 }));
  const keyFile = join(dir, "server.key");
  a = await startSharedInstance({ dataDir: join(dir, "a"), pool: pools[0] as pg.Pool, coreUrl: core.url, keyFile });
  b = await startSharedInstance({ dataDir: join(dir, "b"), pool: pools[1] as pg.Pool, coreUrl: core.url, keyFile });
}, 90_000);

afterAll(async () => {
  await a?.gatehouse.close();
  await b?.gatehouse.close();
  await Promise.all(pools.map((p) => p.end()));
  await smtp?.close();
  await core?.close();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("invites on two instances sharing PostgreSQL", () => {
  it("an invite made on one is listed on the other, its message is in the other's outbox, and marked handled there for both", async () => {
    await a.client.invoke("invites.settings.update", { appUrl: "https://app.example.com", defaultRegion: "GB" });
    expect(await b.client.invoke("invites.settings.get", {})).toMatchObject({ appUrl: "https://app.example.com", defaultRegion: "GB", smtp: null, hasPassword: false });

    const made = await a.client.invoke("invites.create", { tenantId: "public", email: "shared.one@example.com" });
    if (made.status !== "invited") throw new Error(`expected an invite, got ${JSON.stringify(made)}`);
    expect(made.delivery).toBe("outbox");
    expect(made.link.startsWith("https://app.example.com/auth/verify?")).toBe(true);

    const listed = await b.client.invoke("invites.list", { tenantId: "public" });
    expect(listed.invites.map((i) => [i.userId, i.email, i.status, i.delivery])).toEqual([[made.userId, "shared.one@example.com", "pending", "outbox"]]);
    expect(listed.counts.pending).toBe(1);

    const outbox = await b.client.invoke("invites.outbox.list", {});
    expect(outbox.entries.map((e) => [e.userId, e.to, e.link])).toEqual([[made.userId, "shared.one@example.com", made.link]]);
    const exported = await b.client.invoke("invites.outbox.export", {});
    expect(exported.count).toBe(1);
    expect(await b.client.invoke("invites.outbox.markHandled", { ids: [outbox.entries[0]?.id ?? -1] })).toEqual({ marked: 1 });
    expect((await a.client.invoke("invites.outbox.list", {})).total).toBe(0);
    expect((await a.client.invoke("invites.outbox.list", { includeHandled: true })).entries[0]?.handledAt).toEqual(expect.any(Number));

    // A sync on one: its state is what the other shows.
    const synced = await b.client.invoke("invites.sync", { tenantId: "public" });
    expect(synced.found).toBe(1);
    expect((await a.client.invoke("invites.list", { tenantId: "public" })).sync).toMatchObject({ syncedAt: synced.syncedAt, found: 1 });
  });

  it("the SMTP password set on one (sealed with the shared server key) sends the other's invites, and is never returned", async () => {
    await a.client.invoke("invites.settings.update", {
      smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <invites@example.com>" },
      smtpPassword: SMTP_PASSWORD,
    });
    const seen = await b.client.invoke("invites.settings.get", {});
    expect(seen).toMatchObject({ hasPassword: true, smtp: { port: smtp.port } });
    expect(JSON.stringify(seen)).not.toContain(SMTP_PASSWORD);

    const made = await b.client.invoke("invites.create", { tenantId: "public", email: "shared.two@example.com" });
    if (made.status !== "invited") throw new Error(`expected an invite, got ${JSON.stringify(made)}`);
    expect(made.delivery).toBe("sent");
    const mail = smtp.received.at(-1);
    expect(mail?.to).toEqual(["shared.two@example.com"]);
    expect(mail && linkIn(mail).link).toBe(made.link);
    expect(smtp.logins.at(-1)).toEqual({ username: SMTP_USER, password: SMTP_PASSWORD });
    const row = (await a.client.invoke("invites.list", { tenantId: "public", search: "shared.two" })).invites[0];
    expect(row).toMatchObject({ userId: made.userId, delivery: "sent", status: "pending" });
  });

  it("a revoke on one drops the invite's unsent message from the other's outbox", async () => {
    // A phone invite always goes to the outbox.
    const made = await a.client.invoke("invites.create", { tenantId: "public", phoneNumber: "07400 123456" });
    if (made.status !== "invited") throw new Error(`expected an invite, got ${JSON.stringify(made)}`);
    expect((await a.client.invoke("invites.outbox.list", {})).entries.map((e) => [e.userId, e.to])).toEqual([[made.userId, "+447400123456"]]);

    expect(await b.client.invoke("invites.revoke", { userId: made.userId })).toEqual({ revoked: true, outboxRemoved: 1 });
    expect((await a.client.invoke("invites.outbox.list", { includeHandled: true })).entries.map((e) => e.userId)).not.toContain(made.userId);
    const revoked = await a.client.invoke("invites.list", { tenantId: "public", status: "revoked" });
    expect(revoked.invites.map((i) => i.userId)).toEqual([made.userId]);
  });
});
