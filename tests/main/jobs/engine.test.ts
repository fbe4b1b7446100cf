/**
 * The job engine with a kind that only sleeps (no Core): bounded concurrency, throttled progress
 * events with an ETA, pause / resume / cancel, and who may read and control jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventPayload } from "../../../shared/contract/events.ts";
import { expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { jobWhere, sleepKind } from "./helpers.ts";

const CONCURRENCY = 3;
const sleeper = sleepKind(CONCURRENCY);
let t: TestGatehouse;
let adminProfile: string;

beforeAll(async () => {
  t = await startTestGatehouse({ jobs: { kinds: [sleeper.kind], progressIntervalMs: 250 } });
  adminProfile = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
});

afterAll(async () => {
  await t?.close();
});

const plan = async (count: number, ms: number, failAt: number[] = []) => (await t.client.invoke("jobs.dryRun", { kind: "test.sleep", input: { count, ms, failAt } })).job;

describe("the job engine", () => {
  it("runs at most `concurrency` items at once and sends throttled progress with an ETA", async () => {
    const events: (EventPayload<"job.progress"> & { at: number })[] = [];
    const job = await plan(30, 60);
    const stop = t.gatehouse.events.on((name, payload) => {
      if (name === "job.progress" && (payload as EventPayload<"job.progress">).jobId === job.id) events.push({ ...(payload as EventPayload<"job.progress">), at: Date.now() });
    });
    try {
      sleeper.stats.maxInFlight = 0;
      expect((await t.client.invoke("jobs.start", { jobId: job.id })).job.state).toBe("running");
      const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion");
      expect(done).toMatchObject({ done: 30, failed: 0, skipped: 0, total: 30, pending: 0, running: 0, etaMs: null });
      expect(sleeper.stats.maxInFlight).toBe(CONCURRENCY);
    } finally {
      stop();
    }
    // At most one event per 250 ms while it runs (however long the run took), not one per item; the last says completed.
    expect(events.at(-1)).toMatchObject({ state: "completed", done: 30, total: 30 });
    const running = events.filter((e) => e.state === "running");
    expect(running.length).toBeLessThan(30);
    for (let i = 1; i < running.length; i++) expect((running[i]?.at ?? 0) - (running[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(200);
    // Once items are done, the ETA is known: a positive estimate of the time left.
    const withEta = running.filter((e) => e.etaMs !== null && e.done > 0);
    expect(withEta.length).toBeGreaterThan(0);
    for (const e of withEta) expect(e.etaMs).toBeGreaterThan(0);
  });

  it("pauses (items under way finish, no new ones), resumes, and finishes", async () => {
    const job = await plan(24, 40);
    await t.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(t.client, job.id, (j) => j.done >= 3, "some items done");
    expect((await t.client.invoke("jobs.pause", { jobId: job.id })).job.state).toBe("paused");
    const settled = await jobWhere(t.client, job.id, (j) => j.running === 0, "items under way to finish");
    await new Promise((r) => setTimeout(r, 200));
    const later = (await t.client.invoke("jobs.get", { jobId: job.id })).job;
    expect(later).toMatchObject({ state: "paused", done: settled.done, running: 0, etaMs: null });
    expect(later.pending).toBeGreaterThan(0);
    // Pausing again is harmless.
    expect((await t.client.invoke("jobs.pause", { jobId: job.id })).job.state).toBe("paused");
    expect((await t.client.invoke("jobs.resume", { jobId: job.id })).job.state).toBe("running");
    expect(await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion")).toMatchObject({ done: 24, skipped: 0 });
  });

  it("cancels: items not started are skipped, the rest journaled as they end", async () => {
    const calls = sleeper.stats.calls;
    const job = await plan(40, 40);
    await t.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(t.client, job.id, (j) => j.done >= 3, "some items done");
    expect((await t.client.invoke("jobs.cancel", { jobId: job.id })).job.state).toBe("cancelled");
    const end = await jobWhere(t.client, job.id, (j) => j.running === 0, "items under way to finish");
    expect(end.state).toBe("cancelled");
    expect(end.pending).toBe(0);
    expect(end.skipped).toBeGreaterThan(0);
    expect(end.done + end.skipped).toBe(40);
    expect(sleeper.stats.calls - calls).toBe(end.done);
    const { items } = await t.client.invoke("jobs.get", { jobId: job.id, state: "skipped" });
    expect(items.every((i) => i.error === "cancelled" && i.attempts === 0)).toBe(true);
    // Finished jobs stay as they are.
    expect((await t.client.invoke("jobs.resume", { jobId: job.id })).job.state).toBe("cancelled");
    await expectFailure(t.invoke("jobs.start", { jobId: job.id }), "CONFLICT");
  });

  it("fails an item whose error is not transient at once, and says so in the result file", async () => {
    const job = await plan(5, 5, [2]);
    await t.client.invoke("jobs.start", { jobId: job.id });
    await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion");
    const { items } = await t.client.invoke("jobs.get", { jobId: job.id });
    expect(items[2]).toMatchObject({ state: "failed", attempts: 1, error: "item 2 refuses" });
    const csv = await t.client.invoke("jobs.result", { jobId: job.id });
    expect(csv.rows).toBe(5);
    expect(csv.content.split("\r\n")[0]).toBe("index,n,state,slept,error");
    expect(csv.content).toContain("2,2,failed,,item 2 refuses\r\n");
    expect(csv.content).toContain("3,3,done,5,\r\n");
  });

  it("lists jobs newest first, a page at a time with the total; NOT_FOUND for an unknown job, VALIDATION for an unknown kind or bad input", async () => {
    const older = await plan(1, 1);
    const newer = await plan(1, 1);
    const { jobs, total } = await t.client.invoke("jobs.list", { limit: 2 });
    expect(jobs.map((j) => j.id)).toEqual([newer.id, older.id]);
    expect(jobs[0]).toMatchObject({ kind: "test.sleep", createdBy: "tester", profileId: adminProfile, profileName: "Local demo" });
    expect(total).toBeGreaterThanOrEqual(2);
    const next = await t.client.invoke("jobs.list", { offset: 1, limit: 1 });
    expect(next).toMatchObject({ jobs: [{ id: older.id }], total });
    await expectFailure(t.invoke("jobs.get", { jobId: "nope" }), "NOT_FOUND");
    expect((await expectFailure(t.invoke("jobs.dryRun", { kind: "nope", input: {} }), "VALIDATION")).field).toBe("kind");
    expect((await expectFailure(t.invoke("jobs.dryRun", { kind: "test.sleep", input: { count: 0, ms: 1 } }), "VALIDATION")).field).toBe("input.count");
  });

  it("shows and controls only the jobs of the profile in force: another profile's job is NOT_FOUND", async () => {
    const mine = await plan(2, 1);
    const other = await t.client.invoke("profiles.create", profileInput("Jobs elsewhere", [t.coreUrl]));
    await t.client.invoke("profiles.switch", { id: other.id });
    try {
      const theirs = await plan(1, 1);
      const { jobs, total } = await t.client.invoke("jobs.list", {});
      expect(jobs.map((j) => j.id)).toEqual([theirs.id]);
      expect(total).toBe(1);
      expect(jobs[0]).toMatchObject({ profileId: other.id, profileName: "Jobs elsewhere" });
      for (const op of ["jobs.get", "jobs.result", "jobs.start", "jobs.pause", "jobs.resume", "jobs.retryFailed", "jobs.cancel"]) {
        const error = await expectFailure(t.invoke(op, { jobId: mine.id }), "NOT_FOUND");
        expect(error.message, op).toBe(`There is no job ${mine.id} for this connection profile.`);
      }
    } finally {
      await t.client.invoke("profiles.switch", { id: adminProfile });
    }
    // Nothing was done to it from there.
    expect((await t.client.invoke("jobs.get", { jobId: mine.id })).job.state).toBe("draft");
    expect((await t.client.invoke("jobs.list", { limit: 500 })).jobs.some((j) => j.profileId !== adminProfile)).toBe(false);
  });

  it("lets auditors and support of the profile read its jobs and their result, but not plan or control them", async () => {
    const job = await plan(2, 1);
    // The role is the profile's: the job's profile is made auditor, then support, from another admin profile.
    const admin = await t.client.invoke("profiles.create", profileInput("Jobs admin", [t.coreUrl]));
    try {
      for (const role of ["auditor", "support"] as const) {
        await t.client.invoke("profiles.switch", { id: admin.id });
        await t.client.invoke("profiles.update", { id: adminProfile, role });
        await t.client.invoke("profiles.switch", { id: adminProfile });
        expect((await t.client.invoke("session.whoami", {})).role).toBe(role);
        expect((await t.client.invoke("jobs.list", {})).jobs.some((j) => j.id === job.id)).toBe(true);
        expect((await t.client.invoke("jobs.get", { jobId: job.id })).job.id).toBe(job.id);
        expect((await t.client.invoke("jobs.result", { jobId: job.id })).rows).toBe(2);
        await expectFailure(t.invoke("jobs.dryRun", { kind: "test.sleep", input: { count: 1, ms: 1 } }), "FORBIDDEN");
        for (const op of ["jobs.start", "jobs.pause", "jobs.resume", "jobs.retryFailed", "jobs.cancel"]) await expectFailure(t.invoke(op, { jobId: job.id }), "FORBIDDEN");
      }
    } finally {
      await t.client.invoke("profiles.switch", { id: admin.id });
      await t.client.invoke("profiles.update", { id: adminProfile, role: "admin" });
      await t.client.invoke("profiles.switch", { id: adminProfile });
    }
    expect((await t.client.invoke("jobs.get", { jobId: job.id })).job.state).toBe("draft");
    const entries = await t.auditEntries();
    expect(entries.filter((e) => e.operation === "jobs.start" && e.target === job.id && e.outcome === "error").length).toBe(2);
  });
});
