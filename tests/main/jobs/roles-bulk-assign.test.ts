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
  t = await startTestGatehouse({ jobs: { retry: { baseMs: 40, capMs: 200, maxAttempts: 6 } } });
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

  it("retries items while the core drops connections, with backoff, until they are done", async () => {
    const role = await freshRole();
    const ids = users.slice(0, 6).map((u) => u.id);
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public", userIds: ids } });
    tcp.setMode({ kind: "drop" });
    await t.client.invoke("jobs.start", { jobId: job.id });
    // Wait until items have failed at least twice, then let the core answer again.
    await waitFor("retries", async () => (await t.client.invoke("jobs.get", { jobId: job.id })).items.some((i) => i.attempts >= 3 && i.error?.startsWith("CORE_UNREACHABLE")));
    expect((await t.client.invoke("jobs.get", { jobId: job.id })).job).toMatchObject({ state: "running", failed: 0 });
    tcp.setMode({ kind: "pass" });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion");
    expect(done).toMatchObject({ done: 6, failed: 0 });
    const { items } = await t.client.invoke("jobs.get", { jobId: job.id });
    expect(items.every((i) => i.state === "done" && i.error === null)).toBe(true);
    expect(Math.max(...items.map((i) => i.attempts))).toBeGreaterThanOrEqual(3);
    for (const id of ids) expect(await rolesOf(id)).toContain(role);
    expect([...roleAdds(scripted).values()].every((n) => n === 1)).toBe(true);
  });

  it("retries a Core 5xx; a 5xx that never ends and a permanent error fail their items with the error in the result CSV", async () => {
    const role = await freshRole();
    const [a, b, c] = users.slice(6, 9);
    if (!a || !b || !c) throw new Error("users");
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role, tenantId: "public", userIds: [a.id, b.id, c.id] } });
    let failuresForA = 0;
    scripted.script = (req) => {
      if (!isRoleAdd(req)) return {};
      const { userId } = JSON.parse(req.body) as { userId: string };
      if (userId === a.id && failuresForA < 2) {
        failuresForA += 1;
        return { status: 503 };
      }
      return userId === b.id ? { status: 500 } : {};
    };
    // c is deleted after the dry run: its item fails at once (NOT_FOUND is not transient).
    await directCore(core.url).sdk(async () => (await import("supertokens-node")).default.deleteUser(c.id));
    await t.client.invoke("jobs.start", { jobId: job.id });
    const done = await jobWhere(t.client, job.id, (j) => j.state === "completed", "completion");
    expect(done).toMatchObject({ done: 1, failed: 2 });
    const { items } = await t.client.invoke("jobs.get", { jobId: job.id });
    expect(items[0]).toMatchObject({ state: "done", attempts: 3, result: { outcome: "added" } });
    expect(items[1]).toMatchObject({ state: "failed", attempts: 6 });
    expect(items[1]?.error).toMatch(/^CORE_ERROR: The SuperTokens Core answered 500 on \/public\/recipe\/user\/role.*\(after 6 attempts\)$/);
    expect(items[2]).toMatchObject({ state: "failed", attempts: 1 });
    expect(items[2]?.error).toMatch(/^NOT_FOUND: There is no user/);
    const rows = parseCsv((await t.client.invoke("jobs.result", { jobId: job.id })).content);
    expect(rows[2]?.[4]).toBe("failed");
    expect(rows[2]?.[6]).toContain("answered 500");
    expect(rows[3]?.[6]).toContain("There is no user");
    expect(await rolesOf(a.id)).toContain(role);
    expect(await rolesOf(b.id)).not.toContain(role);
  });
});
