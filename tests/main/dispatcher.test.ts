/**
 * The single door (main/dispatch.ts), through the real composition root: unknown operations,
 * input and output validation, and the audit entry every change leaves (and reads do not).
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teamPermissions } from "../../main/team-server/permissions.ts";
import { allowedOperations, effectivePermissions } from "../../shared/contract/allowances.ts";
import { OPERATIONS, ROLE_PERMISSIONS, type OperationName, type Permission } from "../../shared/contract/index.ts";
import { startRewritingProxy, type Stoppable } from "./helpers/faults.ts";
import { directCore, expectFailure, plainDemoUsers, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { createSession, draftJob, draftJobOn, sampleFor, type SampleContext } from "./helpers/samples.ts";

let t: TestGatehouse;
let ctx: SampleContext;
let demoProfileId: string;
let demoJobId: string;
const SECRET = "dispatcher-secret-key-0123456789";

const auditCount = async (): Promise<number> => (await t.client.invoke("audit.verify", {})).checked;
const lastEntry = async () => (await t.client.invoke("audit.list", { limit: 1 })).entries[0];
/** The desktop's operations (operators.* belong to a team server: tests/team-server/, and "the desktop has no operators" below). */
const ops = (mutates: boolean) => (Object.keys(OPERATIONS) as OperationName[]).filter((op) => OPERATIONS[op].mutates === mutates && !op.startsWith("operators."));

beforeAll(async () => {
  t = await startTestGatehouse();
  demoProfileId = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
  const [user] = await plainDemoUsers(t.client, 1);
  if (!user) throw new Error("no plain demo user");
  await t.client.invoke("users.addRole", { userId: user.id, tenantId: "public", role: "support" });
  const scratch = await t.client.invoke("profiles.create", profileInput("Scratch", [t.coreUrl], { role: "auditor" }));
  const doomed = await t.client.invoke("profiles.create", profileInput("Doomed", [t.coreUrl]));
  const core = directCore(t.coreUrl);
  // The reads run on the Local demo profile, the mutations on Scratch (profiles.switch comes
  // before the jobs): each its own draft job (a job is seen from its own profile only).
  demoJobId = await draftJob(t.client, user.id);
  const jobId = await draftJobOn(t.client, scratch.id, user.id);
  const server = await t.client.invoke("servers.add", { name: "Team server", url: "https://gatehouse.example.com" });
  ctx = { coreUrl: t.coreUrl, profileId: scratch.id, otherProfileId: doomed.id, userId: user.id, email: user.email, newSession: () => createSession(core, user.id), jobId, serverId: server.id };
});

afterAll(async () => {
  await t?.close();
});

describe("the door", () => {
  it("answers NOT_FOUND for an operation the contract does not declare, and audits nothing", async () => {
    const before = await auditCount();
    const error = await expectFailure(t.invoke("users.frobnicate", {}), "NOT_FOUND");
    expect(error.message).toContain("users.frobnicate");
    await expectFailure(t.invoke("__proto__", {}), "NOT_FOUND");
    await expectFailure(t.invoke("toString", {}), "NOT_FOUND");
    expect(await auditCount()).toBe(before);
  });

  it("answers VALIDATION naming the offending field's path", async () => {
    const cases: [string, unknown, string][] = [
      ["profiles.create", profileInput("Bad", ["nope"]), "uris[0]"],
      ["profiles.create", profileInput("Bad", ["http://127.0.0.1:3567", "ftp://example.com"]), "uris[1]"],
      ["profiles.create", { ...profileInput("Bad", ["http://127.0.0.1:3567"]), contract: { ...profileInput("", []).contract, allowListKey: "" } }, "contract.allowListKey"],
      ["profiles.create", profileInput("Bad", ["http://127.0.0.1:3567"], { timeoutMs: 10 }), "timeoutMs"],
      ["profiles.test", { uris: ["nope"], timeoutMs: 1000 }, "uris[0]"],
      ["users.get", {}, "userId"],
      ["users.list", { tenantId: "no spaces allowed", order: "newest", limit: 5 }, "tenantId"],
      ["users.list", { tenantId: "public", order: "newest", limit: 501 }, "limit"],
      ["roles.setPermissions", { role: "admin", add: ["ok", ""], remove: [] }, "add[1]"],
    ];
    for (const [op, input, field] of cases) {
      const error = await expectFailure(t.invoke(op, input), "VALIDATION");
      expect(error.field, `${op} ${JSON.stringify(input)}`).toBe(field);
      expect(error.message.startsWith(`${field}: `)).toBe(true);
    }
  });

  it("validates each operation's answer: a Core answer that breaks the declaration is INTERNAL, and a change is audited as error", async () => {
    let proxy: Stoppable | undefined;
    try {
      proxy = await startRewritingProxy(t.coreUrl, (method, path) => {
        if (method === "GET" && path === "/recipe/multitenancy/tenant/list/v2") return JSON.stringify({ status: "OK", tenants: [{ tenantId: 42 }] });
        if (method === "PUT" && path === "/recipe/role") return JSON.stringify({ status: "OK", createdNewRole: "yes" });
        return undefined;
      });
      const tampered = await t.client.invoke("profiles.create", profileInput("Tampered core", [proxy.url]));
      await t.client.invoke("profiles.switch", { id: tampered.id });

      const error = await expectFailure(t.invoke("tenants.list", {}), "INTERNAL");
      expect(error.message).toMatch(/"tenants\.list" produced an answer that does not match its declaration/);

      const before = await auditCount();
      await expectFailure(t.invoke("roles.create", { role: "odd-answer", permissions: [] }), "INTERNAL");
      expect(await auditCount()).toBe(before + 1);
      expect(await lastEntry()).toMatchObject({ operation: "roles.create", target: "odd-answer", outcome: "error", profile: "Tampered core" });
      expect((await lastEntry())?.detail).toMatch(/^INTERNAL: /);
    } finally {
      await t.client.invoke("profiles.switch", { id: demoProfileId });
      await proxy?.close();
    }
  });
});

describe("the audit entries", () => {
  // Reads first: the mutation samples below delete the sample user and the role "support".
  it("writes none for an operation that changes nothing", async () => {
    const reads = ops(false);
    expect(reads.length).toBeGreaterThan(10);
    const before = await auditCount();
    for (const op of reads) {
      const result = await t.invoke(op, await sampleFor(op)({ ...ctx, jobId: demoJobId }));
      expect(result.ok, `${op}: ${JSON.stringify(result)}`).toBe(true);
    }
    expect(await auditCount()).toBe(before);
  });

  it("writes exactly one entry per change, with operator, role, profile, operation, target and outcome", async () => {
    const appended: number[] = [];
    const stop = t.gatehouse.events.on((name, payload) => {
      if (name === "audit.appended") appended.push((payload as { seq: number }).seq);
    });
    try {
      const mutations = ops(true);
      expect(mutations).toEqual(expect.arrayContaining(["profiles.create", "users.updateMetadata", "users.delete", "roles.delete"]));
      for (const op of mutations) {
        const input = await sampleFor(op)(ctx);
        const before = await auditCount();
        // The entry names the profile in force when the call came in (a switch changes it).
        const profile = (await t.client.invoke("session.whoami", {})).profile?.name ?? "(none)";
        const result = await t.invoke(op, input);
        expect(result.ok, `${op}: ${JSON.stringify(result)}`).toBe(true);
        expect(await auditCount(), op).toBe(before + 1);
        const entry = await lastEntry();
        const spec = OPERATIONS[op] as { target?: (i: unknown) => string | undefined; auditDetail?: unknown };
        // Operations that declare an audit detail (e.g. a second-factor reset's before/after) record it.
        expect(entry, op).toMatchObject({ seq: before + 1, operator: "tester", role: "admin", profile, operation: op, outcome: "ok", detail: spec.auditDetail ? expect.any(String) : null });
        expect(entry?.target, op).toBe(spec.target?.(input));
        expect(entry?.target, `${op} names what it changed`).toBeTruthy();
        expect(appended.at(-1), op).toBe(before + 1);
      }
    } finally {
      stop();
    }
    const byOp = Object.fromEntries((await t.auditEntries()).map((e) => [e.operation, e]));
    expect(byOp["users.updateMetadata"]?.target).toBe(ctx.userId);
    expect(byOp["users.updateMetadata"]?.input).toEqual({ userId: ctx.userId, update: { sample: "changed" } });
    expect(byOp["profiles.create"]?.target).toBe("Sample profile");
    expect(byOp["roles.delete"]?.target).toBe("support");
  });

  it("audits failed changes with outcome error and the error code", async () => {
    const cases: [string, unknown, string][] = [
      ["users.updateMetadata", { userId: "no-such-user", update: { a: 1 } }, "NOT_FOUND"],
      ["users.addRole", { userId: "no-such-user", tenantId: "public", role: "admin" }, "NOT_FOUND"],
      ["roles.create", { role: "admin", permissions: [] }, "CONFLICT"],
      ["profiles.create", profileInput("Local demo", [t.coreUrl]), "CONFLICT"],
      ["profiles.update", { id: "no-such-profile", name: "x" }, "NOT_FOUND"],
    ];
    for (const [op, input, code] of cases) {
      const before = await auditCount();
      await expectFailure(t.invoke(op, input), code as "NOT_FOUND");
      expect(await auditCount(), op).toBe(before + 1);
      const entry = await lastEntry();
      expect(entry, op).toMatchObject({ operation: op, outcome: "error", operator: "tester", role: "admin" });
      expect(entry?.detail, op).toMatch(new RegExp(`^${code}: `));
    }
  });

  it("records the profile that was in force, even when the change renames or removes it", async () => {
    const mine = await t.client.invoke("profiles.create", profileInput("Before rename", [t.coreUrl]));
    await t.client.invoke("profiles.switch", { id: mine.id });
    try {
      await t.client.invoke("profiles.update", { id: mine.id, name: "After rename" });
      expect(await lastEntry()).toMatchObject({ operation: "profiles.update", profile: "Before rename", outcome: "ok" });
      await t.client.invoke("profiles.remove", { id: mine.id });
      expect(await lastEntry()).toMatchObject({ operation: "profiles.remove", profile: "After rename", role: "admin", outcome: "ok" });
    } finally {
      await t.client.invoke("profiles.switch", { id: demoProfileId });
    }
  });

  it("never writes an API key: inputs are redacted in entries, exports and the database", async () => {
    const created = await t.client.invoke("profiles.create", profileInput("With key", [t.coreUrl], { apiKey: SECRET }));
    expect(await lastEntry()).toMatchObject({ operation: "profiles.create", input: { apiKey: "[redacted]", name: "With key" } });
    await t.client.invoke("profiles.update", { id: created.id, apiKey: `${SECRET}-2` });
    expect((await lastEntry())?.input).toEqual({ id: created.id, apiKey: "[redacted]" });
    await t.client.invoke("profiles.update", { id: created.id, apiKey: null });
    expect((await lastEntry())?.input).toEqual({ id: created.id, apiKey: null });

    const everything = [
      JSON.stringify(await t.auditEntries()),
      (await t.client.invoke("audit.export", { format: "jsonl" })).content,
      (await t.client.invoke("audit.export", { format: "csv" })).content,
    ];
    const db = new Database(join(t.dataDir, "gatehouse.sqlite"), { readonly: true });
    try {
      everything.push(JSON.stringify(db.prepare("SELECT * FROM audit_log").all()));
    } finally {
      db.close();
    }
    for (const text of everything) {
      expect(text).toContain("[redacted]");
      expect(text).not.toContain(SECRET);
    }
  });
});

describe("the caller", () => {
  it("is the one passed with each call: its role is checked, its name and address are audited", async () => {
    const { dispatcher } = t.gatehouse;
    const before = await auditCount();
    // The active profile is admin; a caller who is an auditor is refused whatever the profile says.
    const refused = await dispatcher.invoke("roles.create", { role: "caller-test", permissions: [] }, { operator: "ann@example.org", role: "auditor", address: "203.0.113.7", sessionId: "s-1" });
    expect(refused).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    if (!refused.ok) expect(refused.error.message).toContain("Ask an admin of this Gatehouse server");
    expect(await lastEntry()).toMatchObject({ seq: before + 1, operator: "ann@example.org", address: "203.0.113.7", role: "auditor", operation: "roles.create", outcome: "error" });

    const allowed = await dispatcher.invoke("roles.create", { role: "caller-test", permissions: [] }, { operator: "bob@example.org", role: "admin", address: "203.0.113.8", sessionId: "s-2" });
    expect(allowed.ok, JSON.stringify(allowed)).toBe(true);
    expect(await lastEntry()).toMatchObject({ operator: "bob@example.org", address: "203.0.113.8", role: "admin", outcome: "ok" });
    const whoami = await dispatcher.invoke("session.whoami", {}, { operator: "bob@example.org", role: "support", address: "203.0.113.8", sessionId: "s-2" });
    expect(whoami).toMatchObject({ ok: true, value: { operator: "bob@example.org", role: "support", mode: "team" } });
    // The desktop's own caller is unchanged: the OS account (here "tester") with the profile's role.
    expect(t.gatehouse.desktopCaller()).toEqual({ operator: "tester", role: "admin", address: null });
    expect(await t.client.invoke("session.whoami", {})).toMatchObject({ operator: "tester", mode: "desktop" });
    expect((await t.client.invoke("audit.verify", {})).ok).toBe(true); // entries with an address chain like the rest
  });

  it("finds no operators on the desktop: they belong to a team server (refusal audited for changes)", async () => {
    const listed = await t.invoke("operators.list", {});
    expect(listed).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    if (!listed.ok) expect(listed.error.message).toMatch(/team server/);
    const before = await auditCount();
    const invited = await t.invoke("operators.invite", { email: "x@example.org", role: "support" });
    expect(invited).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await auditCount()).toBe(before + 1);
    expect(await lastEntry()).toMatchObject({ operation: "operators.invite", outcome: "error", target: "x@example.org" });
  });
});

describe("effective permissions", () => {
  it("drop a permission whose every operation a deployment asks more for, so whoami hides what would be refused", () => {
    const stricter = (name: OperationName, declared: Permission): Permission => (name === "profiles.switch" ? "profiles:write" : declared);
    expect(effectivePermissions("support", stricter)).not.toContain("profiles:switch");
    expect(effectivePermissions("auditor", stricter)).not.toContain("profiles:switch");
    expect(effectivePermissions("support", stricter)).toContain("second-factor:reset");
    expect(effectivePermissions("admin", stricter)).toEqual([...ROLE_PERMISSIONS.admin]);
    expect(effectivePermissions("support")).toEqual([...ROLE_PERMISSIONS.support]);
  });

  it("answer per operation what a deployment refuses though the role holds its permission (support may read profiles, not test them, on a team server)", () => {
    expect(allowedOperations("support", teamPermissions)).toContain("profiles.list");
    expect(allowedOperations("support", teamPermissions)).not.toContain("profiles.test");
    expect(allowedOperations("support", teamPermissions)).not.toContain("profiles.switch");
    expect(allowedOperations("support")).toContain("profiles.test");
    expect(allowedOperations("admin", teamPermissions)).toEqual(Object.keys(OPERATIONS));
    expect(allowedOperations("auditor")).not.toContain("secondFactor.reset");
  });
});
