/**
 * The invites store's contract, the same on SQLite (the default) and PostgreSQL (several team
 * server instances, here a real cluster started for the test): records and their statuses,
 * search and counts, acceptances, revokes with their outbox messages, the per-profile outbox,
 * settings, the marks of bulk-invite jobs and a bulk row's writes at once; and on PostgreSQL, two
 * instances (two pools) queueing one job item's message at the same moment: one message.
 */
import { describe, expect, it } from "vitest";
import { useSqliteAndPostgres } from "../support/sqlite-and-postgres.ts";
import type { InviteRecordRow, InviteStore, OutboxDraft } from "../../main/services/invites/store/invite-store.ts";
import { PostgresInviteStore } from "../../main/services/invites/store/postgres-invite-store.ts";
import { SqliteInviteStore } from "../../main/services/invites/store/sqlite-invite-store.ts";

const both = useSqliteAndPostgres("gatehouse-invite-store-");

const stores: [string, () => InviteStore][] = [
  ["SQLite", () => new SqliteInviteStore(both.db)],
  ["PostgreSQL", () => new PostgresInviteStore(both.pools[0])],
];

let n = 0;
const unique = (what: string) => `${what}-${++n}-${Date.now()}`;
const NOW = 1_000_000;

function invite(scope: string, userId: string, fields: Partial<InviteRecordRow> = {}): InviteRecordRow {
  return {
    scope,
    user_id: userId,
    tenant_id: "public",
    email: `${userId}@example.org`,
    phone_number: null,
    invited_at: NOW,
    invited_by: "admin@example.org",
    link_expires_at: NOW + 60_000,
    delivery: "sent",
    message_id: "<m@x>",
    delivery_error: null,
    revoked_at: null,
    ...fields,
  };
}

function draft(userId: string, fields: Partial<OutboxDraft> = {}): OutboxDraft {
  return { createdAt: NOW, tenantId: "public", userId, to: `${userId}@example.org`, channel: "email", subject: "Join", text: "Hello", link: `https://app.example/verify#${userId}`, linkExpiresAt: NOW + 60_000, ...fields };
}

describe.each(stores)("the invites store on %s", (_name, make) => {
  it("keeps invites per scope: replaced with the acceptance kept, found ones added once, statuses, search and counts", async () => {
    const store = make();
    const scope = unique("scope");
    await store.insert(invite(scope, "u1", { accepted_at: NOW + 5 }));
    await store.insert(invite(scope, "u1", { invited_by: "second@example.org" }));
    expect(await store.get(scope, "u1")).toMatchObject({ invited_by: "second@example.org", accepted_at: NOW + 5 });
    expect(await store.get(unique("other"), "u1")).toBeUndefined();

    expect(await store.insertFound(invite(scope, "u1", { delivery: "elsewhere" }))).toBe(false);
    expect(await store.insertFound(invite(scope, "u2", { email: null, phone_number: "+15550001111", delivery: "elsewhere", invited_at: NOW + 1 }))).toBe(true);
    expect((await store.get(scope, "u1"))?.delivery).toBe("sent");
    await store.insert(invite(scope, "u3", { email: "a_b%c@example.org", link_expires_at: NOW - 1, invited_at: NOW + 2 }));
    await store.insert(invite(scope, "u4", { revoked_at: NOW, invited_at: NOW + 3 }));
    await store.insert(invite(scope, "u5", { tenant_id: "other" }));

    const q = { status: "all" as const, search: "", now: NOW, offset: 0, limit: 10 };
    const all = await store.page(scope, "public", q);
    expect(all.total).toBe(4);
    expect(all.rows.map((r) => r.user_id)).toEqual(["u4", "u3", "u2", "u1"]);
    expect((await store.page(scope, "public", { ...q, offset: 1, limit: 2 })).rows.map((r) => r.user_id)).toEqual(["u3", "u2"]);
    expect((await store.page(scope, "public", { ...q, status: "pending" })).rows.map((r) => r.user_id)).toEqual(["u2"]);
    expect((await store.page(scope, "public", { ...q, status: "accepted" })).rows.map((r) => r.user_id)).toEqual(["u1"]);
    expect((await store.page(scope, "public", { ...q, status: "link-expired" })).rows.map((r) => r.user_id)).toEqual(["u3"]);
    expect((await store.page(scope, "public", { ...q, status: "revoked" })).rows.map((r) => r.user_id)).toEqual(["u4"]);
    // A prefix, its wildcards taken literally; a phone with or without its "+".
    expect((await store.page(scope, "public", { ...q, search: "A_B%" })).rows.map((r) => r.user_id)).toEqual(["u3"]);
    expect((await store.page(scope, "public", { ...q, search: "a_c" })).total).toBe(0);
    expect((await store.page(scope, "public", { ...q, search: "1555" })).rows.map((r) => r.user_id)).toEqual(["u2"]);
    expect((await store.page(scope, "public", { ...q, search: "+1555" })).rows.map((r) => r.user_id)).toEqual(["u2"]);
    expect(await store.counts(scope, "public", NOW)).toEqual({ all: 4, pending: 1, accepted: 1, "link-expired": 1, revoked: 1 });
    expect(await store.counts(scope, "nobody", NOW)).toEqual({ all: 0, pending: 0, accepted: 0, "link-expired": 0, revoked: 0 });

    expect((await store.openUserIds(scope, "public")).sort()).toEqual(["u2", "u3"]);
    await store.accepted(scope, [
      { userId: "u2", at: NOW + 10 },
      { userId: "u1", at: NOW + 99 },
    ]);
    expect((await store.get(scope, "u2"))?.accepted_at).toBe(NOW + 10);
    expect((await store.get(scope, "u1"))?.accepted_at).toBe(NOW + 5);
    await store.linkSent(scope, "u3", { expiresAt: NOW + 120_000, delivery: "outbox", messageId: "outbox:9", error: null });
    expect(await store.get(scope, "u3")).toMatchObject({ link_expires_at: NOW + 120_000, delivery: "outbox", message_id: "outbox:9", delivery_error: null });
  });

  it("records an invite and ends its pending note at once; keeps a tenant's last sync", async () => {
    const store = make();
    const scope = unique("scope");
    expect(await store.pendingSince(scope, "public", "p@example.org")).toBeUndefined();
    await store.pendingStart(scope, "public", "p@example.org", 5);
    await store.pendingStart(scope, "public", "p@example.org", 7);
    expect(await store.pendingSince(scope, "public", "p@example.org")).toBe(7);
    await store.recordInvite(invite(scope, "p", { delivery: "failed", delivery_error: "no link sent yet" }), { tenantId: "public", contact: "p@example.org" });
    expect(await store.pendingSince(scope, "public", "p@example.org")).toBeUndefined();
    expect((await store.get(scope, "p"))?.delivery_error).toBe("no link sent yet");
    await store.pendingStart(scope, "public", "q@example.org", 8);
    await store.pendingEnd(scope, "public", "q@example.org");
    expect(await store.pendingSince(scope, "public", "q@example.org")).toBeUndefined();

    expect(await store.syncState(scope, "public")).toBeNull();
    await store.synced(scope, "public", { syncedAt: 1, scanned: 10, found: 2, truncated: true });
    await store.synced(scope, "public", { syncedAt: 2, scanned: 20, found: 3, truncated: false });
    expect(await store.syncState(scope, "public")).toEqual({ syncedAt: 2, scanned: 20, found: 3, truncated: false });
  });

  it("keeps each profile's outbox: pages, export, marking handled; a revoke drops the invitee's unsent messages on every profile", async () => {
    const store = make();
    const scope = unique("scope");
    const a = await store.addToOutbox(scope, "alpha", draft("x"));
    const b = await store.addToOutbox(scope, "alpha", draft("y", { channel: "sms", to: "+15550002222" }));
    const c = await store.addToOutbox(scope, "beta", draft("x", { link: "https://app.example/verify#beta" }));
    expect(b.id).toBeGreaterThan(a.id);
    expect(a).toEqual({ id: a.id, link: "https://app.example/verify#x", linkExpiresAt: NOW + 60_000 });

    const page = await store.outboxPage(scope, "alpha", { includeHandled: false, offset: 0, limit: 10 });
    expect(page.total).toBe(2);
    expect(page.entries).toEqual([
      { id: b.id, createdAt: NOW, tenantId: "public", userId: "y", to: "+15550002222", channel: "sms", subject: "Join", text: "Hello", link: "https://app.example/verify#y", linkExpiresAt: NOW + 60_000, handledAt: null },
      { id: a.id, createdAt: NOW, tenantId: "public", userId: "x", to: "x@example.org", channel: "email", subject: "Join", text: "Hello", link: "https://app.example/verify#x", linkExpiresAt: NOW + 60_000, handledAt: null },
    ]);
    expect((await store.outboxPage(scope, "alpha", { includeHandled: false, offset: 1, limit: 1 })).entries.map((e) => e.id)).toEqual([a.id]);
    expect((await store.outboxAll(scope, "beta", false)).map((e) => e.id)).toEqual([c.id]);
    expect(await store.outboxAll(unique("scope"), "alpha", true)).toEqual([]);

    expect(await store.markHandled(scope, "alpha", { ids: [b.id, b.id, c.id], all: false }, NOW + 1)).toBe(1);
    expect((await store.outboxAll(scope, "alpha", false)).map((e) => e.id)).toEqual([a.id]);
    expect((await store.outboxAll(scope, "alpha", true)).find((e) => e.id === b.id)?.handledAt).toBe(NOW + 1);
    expect((await store.outboxAll(scope, "beta", false)).map((e) => e.id)).toEqual([c.id]);

    // Revoking x: unsent messages for x go on both profiles; a record is written when there was none.
    expect(await store.revoke(scope, "x", NOW + 2, invite(scope, "x", { delivery: "elsewhere", revoked_at: NOW + 2 }))).toBe(2);
    expect(await store.get(scope, "x")).toMatchObject({ delivery: "elsewhere", revoked_at: NOW + 2 });
    expect(await store.outboxAll(scope, "beta", true)).toEqual([]);
    // y's handled message stays; revoking a known invite only stamps it.
    await store.insert(invite(scope, "y"));
    expect(await store.revoke(scope, "y", NOW + 3, invite(scope, "y", { delivery: "elsewhere" }))).toBe(0);
    expect(await store.get(scope, "y")).toMatchObject({ delivery: "sent", revoked_at: NOW + 3 });
    expect(await store.markHandled(scope, "alpha", { ids: [], all: true }, NOW + 4)).toBe(0);
  });

  it("queues one message per origin: a repeat gets the first one and its link", async () => {
    const store = make();
    const scope = unique("scope");
    const origin = unique("reset:job");
    const first = await store.addToOutbox(scope, "alpha", draft("r", { origin }));
    const again = await store.addToOutbox(scope, "alpha", draft("r", { origin, link: "https://app.example/verify#second", linkExpiresAt: NOW + 1 }));
    expect(again).toEqual(first);
    expect((await store.outboxAll(scope, "alpha", true)).map((e) => e.link)).toEqual(["https://app.example/verify#r"]);
  });

  it("keeps settings with the sealed password as given", async () => {
    const store = make();
    const profile = unique("profile");
    expect(await store.settings(profile)).toBeUndefined();
    await store.saveSettings(profile, { settings: '{"appUrl":"https://a.example"}', smtpPasswordSealed: "sealed:1" }, 1);
    await store.saveSettings(profile, { settings: '{"appUrl":"https://b.example"}', smtpPasswordSealed: null }, 2);
    expect(await store.settings(profile)).toEqual({ settings: '{"appUrl":"https://b.example"}', smtpPasswordSealed: null });
  });

  it("keeps bulk marks, and writes a bulk row's message, record and mark at once", async () => {
    const store = make();
    const scope = unique("scope");
    const job = unique("job");
    expect(await store.bulkMark(job, 0)).toBeUndefined();
    await store.setBulkMark(job, 0, { phase: "signing-up", userId: "someone", created: false, result: null }, 1);
    expect(await store.bulkMark(job, 0)).toEqual({ phase: "signing-up", userId: "someone", created: false, result: null });

    // Queued, a new record, delivered.
    const value = await store.bulkDelivered(
      {
        scope,
        profileId: "alpha",
        queue: draft("b1"),
        then: (outboxId) => ({
          record: invite(scope, "b1", { delivery: "outbox", message_id: `outbox:${outboxId}` }),
          create: true,
          mark: { jobId: job, index: 0, mark: { phase: "delivered", userId: "b1", created: true, result: `{"id":${outboxId}}` } },
          value: outboxId,
        }),
      },
      2,
    );
    expect(value).toEqual(expect.any(Number));
    expect((await store.outboxAll(scope, "alpha", false)).map((e) => e.id)).toEqual([value]);
    expect((await store.get(scope, "b1"))?.message_id).toBe(`outbox:${value}`);
    expect(await store.bulkMark(job, 0)).toEqual({ phase: "delivered", userId: "b1", created: true, result: `{"id":${value}}` });

    // Mailed, for a user already recorded (created or not): only the link changes; no mark when not delivered.
    await store.bulkDelivered(
      {
        scope,
        profileId: "alpha",
        then: (outboxId) => ({ record: invite(scope, "b1", { invited_by: "ignored", delivery: "failed", message_id: null, delivery_error: "refused", link_expires_at: NOW + 7 }), create: true, value: outboxId }),
      },
      3,
    );
    expect(await store.get(scope, "b1")).toMatchObject({ invited_by: "admin@example.org", delivery: "failed", delivery_error: "refused", link_expires_at: NOW + 7 });
    expect(await store.bulkMark(job, 1)).toBeUndefined();
    // Not created by the job and unknown here: nothing is recorded.
    await store.bulkDelivered({ scope, profileId: "alpha", then: () => ({ record: invite(scope, "b2"), create: false, value: null }) }, 4);
    expect(await store.get(scope, "b2")).toBeUndefined();
    // A failure inside leaves nothing behind.
    await expect(
      store.bulkDelivered(
        {
          scope,
          profileId: "alpha",
          queue: draft("b3"),
          then: () => {
            throw new Error("boom");
          },
        },
        5,
      ),
    ).rejects.toThrow("boom");
    expect((await store.outboxAll(scope, "alpha", true)).map((e) => e.userId)).toEqual(["b1"]);
  });
});

describe("the invites store on PostgreSQL, two instances", () => {
  it("share invites and the outbox, and one job item's message queued by both at once is one message", async () => {
    const [a, b] = both.pools.map((p) => new PostgresInviteStore(p)) as [PostgresInviteStore, PostgresInviteStore];
    const scope = unique("scope");
    await a.insert(invite(scope, "s1"));
    const queued = await a.addToOutbox(scope, "alpha", draft("s1"));
    expect((await b.get(scope, "s1"))?.user_id).toBe("s1");
    expect(await b.markHandled(scope, "alpha", { ids: [queued.id], all: false }, NOW)).toBe(1);
    expect((await a.outboxAll(scope, "alpha", true))[0]?.handledAt).toBe(NOW);

    for (let round = 0; round < 10; round++) {
      const origin = unique("race");
      const answers = await Promise.all([a.addToOutbox(scope, "alpha", draft("s2", { origin, link: "https://a" })), b.addToOutbox(scope, "alpha", draft("s2", { origin, link: "https://b" }))]);
      expect(answers[0]).toEqual(answers[1]);
    }
    expect((await a.outboxAll(scope, "alpha", true)).filter((e) => e.userId === "s2")).toHaveLength(10);
  });
});
