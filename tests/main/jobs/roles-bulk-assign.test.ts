/**
 * roles.bulkAssign end to end against a real core behind a proxy: the dry run reports invalid
 * items and only valid ones run; transport errors (dropped connections) and Core 5xx are
 * retried with backoff until done; a permanent error fails its item and shows in the result CSV.
 */
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import { parseCsv } from "../helpers/csv.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "../helpers/faults.ts";
import { directCore, expectFailure, plainDemoUsers, profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { isRoleAdd, jobWhere, roleAdds, startScriptedProxy, type ScriptedProxy, waitFor } from "./helpers.ts";

let core: RunningEmbeddedCore;
let scripted: ScriptedProxy;
let tcp: TcpFaultProxy;
let t: TestGatehouse;
let users: { id: string; email: string }[];
let roleCounter = 0;

beforeAll(async () => {
  core = await startEmbeddedCore({ demo: true });
  scripted = await startScriptedProxy(core.url);
  tcp = await startTcpFaultProxy(scripted.url);
  t = await startTestGatehouse({ jobs: { retry: { baseMs: 40, capMs: 200, maxAttempts: 6 }, probe: { baseMs: 50, capMs: 200 } } });
  const profile = await t.client.invoke("profiles.create", profileInput("Through the proxies", [tcp.url], { timeoutMs: 2000 }));
  await t.client.invoke("profiles.switch", { id: profile.id });
  users = await plainDemoUsers(t.client, 12);
});

afterAll(async () => {
  await t?.close();
  await tcp?.close();
  await scripted?.close();
  await core?.close();
});

beforeEach(() => {
  scripted.script = () => ({});
  scripted.passed.length = 0;
  // (Setting the mode resets open connections: only when a test left it changed.)
  if (tcp.mode.kind !== "pass") tcp.setMode({ kind: "pass" });
});

async function freshRole(): Promise<string> {
  roleCounter += 1;
  const role = `bulk-${roleCounter}`;
  await directCore(core.url).sdk(() => UserRoles.createNewRoleOrAddPermissions(role, []));
  return role;
}

const rolesOf = async (userId: string) => (await directCore(core.url).sdk(() => UserRoles.getRolesForUser("public", userId))).roles;

describe("roles.bulkAssign", () => {
  it("dry run: reports missing users, duplicates and blanks per item, and who holds the role already; start runs only the valid ones", async () => {
    const role = await freshRole();
    const [a, b, c] = users;
    if (!a || !b || !c) throw new Error("users");
    await directCore(core.url).sdk(() => UserRoles.addRoleToUser("public", c.id, role));
    const csv = `\uFEFFuserId,note\n${a.id},x\nno-such-user,y\n${a.id},dup\n ,blank\n${b.id},\n${c.id},\n`;
    const { job, items } = await t.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public", csv } });
    expect(job).toMatchObject({ state: "draft", total: 6, valid: 3, skipped: 3, pending: 3, inputSummary: `role "${role}" in public to 6 users` });
    expect(items.map((i) => [i.input.userId, i.state, i.plan ?? i.error])).toEqual([
      [a.id, "pending", "add the role"],
      ["no-such-user", "skipped", 'there is no user "no-such-user"'],
      [a.id, "skipped", "duplicate of item 0"],
      ["", "skipped", "no user id"],
      [b.id, "pending", "add the role"],
      [c.id, "pending", "already has the role (nothing to do)"],
    ]);
    expect(roleAdds(scripted).size).toBe(0); // a dry run changes nothing
    expect((await t.client.invoke("jobs.get", { jobId: job.id, state: "invalid" })).itemsTotal).toBe(3);

    await t.client.invoke("jobs.start", { jobId: job.id });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion");
    expect(done).toMatchObject({ done: 3, failed: 0, skipped: 3 });
    expect(await rolesOf(a.id)).toContain(role);
    expect(await rolesOf(b.id)).toContain(role);
    expect(Object.fromEntries(roleAdds(scripted))).toEqual({ [a.id]: 1, [b.id]: 1 });

    const result = parseCsv((await t.client.invoke("jobs.result", { jobId: job.id })).content);
    expect(result[0]).toEqual(["index", "userId", "tenantId", "role", "state", "outcome", "error"]);
    expect(result.slice(1).map((r) => [r[4], r[5], r[6]])).toEqual([
      ["done", "added", ""],
      ["skipped", "", 'there is no user "no-such-user"'],
      ["skipped", "", "duplicate of item 0"],
      ["skipped", "", "no user id"],
      ["done", "added", ""],
      ["done", "already had", ""],
    ]);
  });

  it("refuses an unknown role or a CSV without a userId column, and a start with nothing valid", async () => {
    expect((await expectFailure(t.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role: "nope-role", tenantId: "public", userIds: ["x"] } }), "VALIDATION")).field).toBe("input.role");
    const role = await freshRole();
    expect((await expectFailure(t.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public", csv: "email\na@b.c\n" } }), "VALIDATION")).field).toBe("input.csv");
    expect((await expectFailure(t.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public" } }), "VALIDATION")).field).toBe("input.userIds");
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public", userIds: ["ghost-1", "ghost-2"] } });
    await expectFailure(t.invoke("jobs.start", { jobId: job.id }), "VALIDATION");
  });

  it("waits for the Core while it drops every connection (no attempt spent), and carries on by itself when it answers", async () => {
    const role = await freshRole();
    const ids = users.slice(0, 6).map((u) => u.id);
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public", userIds: ids } });
    tcp.setMode({ kind: "drop" });
    await t.client.invoke("jobs.start", { jobId: job.id });
    const waiting = await jobWhere(t.client, job.id, (j) => j.state === "waiting" && j.running === 0, "the job to wait for the Core");
    expect(waiting).toMatchObject({ failed: 0, done: 0, pending: 6, etaMs: null });
    expect(waiting.error).toMatch(/^CORE_UNREACHABLE: Cannot reach the SuperTokens Core at .+ The job waits for the Core and carries on by itself when it answers\.$/);
    // The items cut off went back to pending with their attempt given back.
    const cutOff = (await t.client.invoke("jobs.get", { jobId: job.id })).items;
    expect(cutOff.every((i) => i.state === "pending" && i.attempts === 0)).toBe(true);
    expect(cutOff.some((i) => i.error?.endsWith("(not counted: the Core could not be reached)"))).toBe(true);
    // It keeps looking for the Core.
    const seen = tcp.connections;
    await waitFor("more probes", () => tcp.connections >= seen + 2);
    expect((await t.client.invoke("jobs.get", { jobId: job.id })).job.state).toBe("waiting");

    tcp.setMode({ kind: "pass" });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion");
    expect(done).toMatchObject({ done: 6, failed: 0, error: null });
    const { items } = await t.client.invoke("jobs.get", { jobId: job.id });
    expect(items.every((i) => i.state === "done" && i.error === null && i.attempts === 1 && i.result?.outcome === "added")).toBe(true);
    for (const id of ids) expect(await rolesOf(id)).toContain(role);
    expect([...roleAdds(scripted).values()].every((n) => n === 1)).toBe(true);
  });

  it("retries a Core 5xx; an item that still fails says what the Core holds for it; an addition whose answer was lost is found done; failed items run again on request", async () => {
    const role = await freshRole();
    const [a, b, c, d] = users.slice(6, 10);
    if (!a || !b || !c || !d) throw new Error("users");
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public", userIds: [a.id, b.id, c.id, d.id] } });
    let failuresForA = 0;
    scripted.script = (req) => {
      if (!isRoleAdd(req)) return {};
      const { userId } = JSON.parse(req.body) as { userId: string };
      if (userId === a.id && failuresForA < 2) {
        failuresForA += 1;
        return { status: 503 };
      }
      if (userId === b.id) return { status: 500 };
      // d's role is added, but the answer never comes back.
      return userId === d.id ? { lostAnswer: 500 } : {};
    };
    // c is deleted after the dry run: its item fails at once (NOT_FOUND is not transient).
    await directCore(core.url).sdk(async () => (await import("supertokens-node")).default.deleteUser(c.id));
    await t.client.invoke("jobs.start", { jobId: job.id });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion");
    expect(done).toMatchObject({ done: 2, failed: 2 });
    const { items } = await t.client.invoke("jobs.get", { jobId: job.id });
    expect(items[0]).toMatchObject({ state: "done", attempts: 3, result: { outcome: "added" } });
    expect(items[1]).toMatchObject({ state: "failed", attempts: 6 });
    expect(items[1]?.error).toMatch(new RegExp(`^CORE_ERROR: The SuperTokens Core answered 500 on /public/recipe/user/role.*\\(after 6 attempts\\)\\. On the Core: the user does not hold "${role}" in public\\.$`));
    expect(items[2]).toMatchObject({ state: "failed", attempts: 1 });
    expect(items[2]?.error).toBe(`NOT_FOUND: There is no user "${c.id}" (any more). On the Core: there is no user "${c.id}".`);
    // d's next attempt looked first and found the role there: done, added once.
    expect(items[3]).toMatchObject({ state: "done", attempts: 2, result: { outcome: "already had" }, error: null });
    expect(roleAdds(scripted).get(d.id)).toBe(1);
    const rows = parseCsv((await t.client.invoke("jobs.result", { jobId: job.id })).content);
    expect(rows[2]?.[4]).toBe("failed");
    expect(rows[2]?.[6]).toContain("answered 500");
    expect(rows[3]?.[6]).toContain("There is no user");
    expect(rows[4]?.slice(4, 6)).toEqual(["done", "already had"]);
    expect(await rolesOf(a.id)).toContain(role);
    expect(await rolesOf(b.id)).not.toContain(role);
    expect(await rolesOf(d.id)).toContain(role);

    // The Core takes b's addition now: the failed items run again, with a fresh count of attempts.
    scripted.script = () => ({});
    const again = await t.client.invoke("jobs.retryFailed", { jobId: job.id });
    expect(again).toMatchObject({ retried: 2, job: { state: "running", failed: 0, finishedAt: null } });
    const after = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion after the retry");
    expect(after).toMatchObject({ done: 3, failed: 1 });
    const retried = (await t.client.invoke("jobs.get", { jobId: job.id })).items;
    expect(retried[1]).toMatchObject({ state: "done", attempts: 1, result: { outcome: "added" }, error: null });
    expect(retried[2]).toMatchObject({ state: "failed", attempts: 1 });
    expect(await rolesOf(b.id)).toContain(role);
    expect((await t.auditEntries()).filter((e) => e.operation === "jobs.retryFailed" && e.target === job.id && e.outcome === "ok").length).toBe(1);
    // A draft has nothing to run again: start it.
    const draft = await t.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public", userIds: [a.id] } });
    await expectFailure(t.invoke("jobs.retryFailed", { jobId: draft.job.id }), "CONFLICT");
  });
});
