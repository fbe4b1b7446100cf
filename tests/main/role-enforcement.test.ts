/**
 * The main process enforces the operator role on every operation of the contract: one table over
 * OPERATIONS (a new operation is covered, or this file fails for want of a sample input), run as
 * auditor and as support on profiles for the embedded core.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS, OPERATOR_ROLES, type OperationName, type OperatorRole } from "../../shared/contract/index.ts";
import { directCore, plainDemoUsers, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";
import { SAMPLE_INPUTS, createSession, draftJob, draftJobOn, sampleFor, type SampleContext } from "./helpers/samples.ts";

let t: TestGatehouse;
let user: { id: string; email: string };
/** A draft job of each profile (a job is seen from its own profile only). */
const jobIds = {} as Record<OperatorRole, string>;
const profileIds = {} as Record<OperatorRole, string>;
/** A Gatehouse server per role (servers.open opens it, then servers.remove removes it). */
const serverIds = {} as Record<OperatorRole, string>;
const PROFILE_NAMES: Record<OperatorRole, string> = { admin: "Local demo", auditor: "Auditor desk", support: "Support desk" };

/** What the design (DESIGN.md, "Who uses it") lets each lesser role do. */
// Every role may switch profiles (the role belongs to the profile), keep its list of Gatehouse
// servers (a link grants nothing: the server gives the role) and refresh the migration's user
// index (it reads the Core and changes only Gatehouse's own index); all are audited.
const EVERY_ROLE = (op: OperationName): boolean => op === "profiles.switch" || op.startsWith("servers.") || op === "migration.scan.start";
// Who the operators of a team server are is an admin's business, even to read.
const READ = (op: OperationName): boolean => !OPERATIONS[op].mutates && OPERATIONS[op].permission !== "operators:manage";
const EXPECTED_ALLOWED: Record<"auditor" | "support", (op: OperationName) => boolean> = {
  auditor: (op) => READ(op) || EVERY_ROLE(op),
  support: (op) =>
    READ(op) || EVERY_ROLE(op) || op === "users.revokeSession" || op === "users.revokeAllSessions" || op === "invites.resend" || op === "invites.outbox.markHandled" || op === "secondFactor.reset" || op === "resetLinks.send",
};

const context = (role: OperatorRole): SampleContext => {
  const core = directCore(t.coreUrl);
  return {
    coreUrl: t.coreUrl,
    profileId: profileIds[role],
    otherProfileId: profileIds.admin,
    userId: user.id,
    email: user.email,
    newSession: () => createSession(core, user.id),
    jobId: jobIds[role],
    serverId: serverIds[role],
  };
};

/** Everything a refused operation could have touched, as the refused role itself can read it. */
async function snapshot() {
  const [detail, sessions, profiles, roles, acmeRoles] = await Promise.all([
    t.client.invoke("users.get", { userId: user.id }),
    t.client.invoke("users.sessions", { userId: user.id }),
    t.client.invoke("profiles.list", {}),
    t.client.invoke("roles.list", { tenantId: "public" }),
    t.client.invoke("roles.list", { tenantId: "acme" }),
  ]);
  return { detail, sessions: sessions.sessions.map((s) => s.sessionHandle).sort(), profiles, roles, acmeRoles };
}

const auditCount = async (): Promise<number> => (await t.client.invoke("audit.verify", {})).checked;

beforeAll(async () => {
  t = await startTestGatehouse();
  profileIds.admin = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
  const [picked] = await plainDemoUsers(t.client, 1);
  if (!picked) throw new Error("no plain demo user");
  user = picked;
  // As admin: the profiles of the lesser roles, and a user with a role, metadata and a session to protect.
  for (const role of ["auditor", "support"] as const) {
    profileIds[role] = (await t.client.invoke("profiles.create", profileInput(PROFILE_NAMES[role], [t.coreUrl], { role }))).id;
  }
  await t.client.invoke("users.addRole", { userId: user.id, tenantId: "public", role: "support" });
  await t.client.invoke("users.updateMetadata", { userId: user.id, update: { keep: "me" } });
  await createSession(directCore(t.coreUrl), user.id);
  jobIds.admin = await draftJob(t.client, user.id);
  for (const role of ["auditor", "support"] as const) jobIds[role] = await draftJobOn(t.client, profileIds[role], user.id);
  for (const role of ["auditor", "support"] as const) serverIds[role] = (await t.client.invoke("servers.add", { name: `${role} server`, url: `https://${role}.gatehouse.example.com` })).id;
});

afterAll(async () => {
  await t?.close();
});

describe("role enforcement", () => {
  it("has a sample input for exactly the operations of the contract", () => {
    expect(Object.keys(SAMPLE_INPUTS).sort()).toEqual(Object.keys(OPERATIONS).sort());
    expect(OPERATOR_ROLES).toEqual(["admin", "support", "auditor"]);
  });

  const table = (["auditor", "support"] as const).flatMap((role) => (Object.keys(OPERATIONS) as OperationName[]).map((op) => [role, op] as const));

  let current: OperatorRole = "admin";

  it.each(table)("%s → %s", async (role, op) => {
    const sample = sampleFor(op); // fails here when an operation has no sample input
    if (current !== role) {
      await t.client.invoke("profiles.switch", { id: profileIds[role] });
      current = role;
    }
    expect((await t.client.invoke("session.whoami", {})).role).toBe(role);
    const spec = OPERATIONS[op];
    const input = await sample(context(role));
    const watch = spec.mutates || !EXPECTED_ALLOWED[role](op); // what a change could touch; allowed reads are checked for their audit silence only
    const before = watch ? await snapshot() : undefined;
    const auditBefore = await auditCount();

    const result = await t.invoke(op, input);

    if (!EXPECTED_ALLOWED[role](op)) {
      expect(result.ok ? "ok" : result.error.code, JSON.stringify(result)).toBe("FORBIDDEN");
      if (!result.ok) expect(result.error.message).toContain(`The ${role} role cannot`);
      expect(await snapshot(), "nothing changed").toEqual(before);
      expect(await auditCount(), "the refusal is audited").toBe(auditBefore + 1);
      const [entry] = (await t.client.invoke("audit.list", { limit: 1 })).entries;
      expect(entry).toMatchObject({ operation: op, role, profile: PROFILE_NAMES[role], operator: "tester", outcome: "error" });
      expect(entry?.detail).toMatch(/^FORBIDDEN: /);
      return;
    }

    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!spec.mutates) {
      expect(await auditCount(), "reads are not audited").toBe(auditBefore);
      return;
    }
    expect(await auditCount()).toBe(auditBefore + 1);
    if (op === "profiles.switch") {
      const [switched] = (await t.client.invoke("audit.list", { limit: 1 })).entries;
      expect(switched).toMatchObject({ operation: op, role, target: (input as { id: string }).id, outcome: "ok" });
      return;
    }
    if (op.startsWith("servers.")) {
      // any role's Gatehouse servers (the desktop's own list): audited with the role; nothing else changed.
      const [entry] = (await t.client.invoke("audit.list", { limit: 1 })).entries;
      expect(entry).toMatchObject({ operation: op, role, profile: PROFILE_NAMES[role], outcome: "ok" });
      expect(entry?.target).toBe(op === "servers.add" ? (input as { url: string }).url : serverIds[role]);
      expect(await snapshot()).toEqual(before);
      return;
    }
    if (op === "invites.resend" || op === "invites.outbox.markHandled" || op === "resetLinks.send") {
      // support's invite resend and reset link (a new link to the outbox) and marking a message sent: audited; nothing else changed.
      const [resent] = (await t.client.invoke("audit.list", { limit: 1 })).entries;
      expect(resent).toMatchObject({ operation: op, role, target: op === "invites.outbox.markHandled" ? "1" : (input as { userId: string }).userId, outcome: "ok" });
      expect(await snapshot()).toEqual(before);
      return;
    }
    if (op === "migration.scan.start") {
      // any role's refresh of the local user index: audited; nothing changed on the Core.
      const [scan] = (await t.client.invoke("audit.list", { limit: 1 })).entries;
      expect(scan).toMatchObject({ operation: op, role, profile: PROFILE_NAMES[role], target: "refresh", outcome: "ok" });
      expect(await snapshot()).toEqual(before);
      return;
    }
    if (op === "secondFactor.reset") {
      // support's second-factor reset of a user without one: audited, and a no-op.
      const [reset] = (await t.client.invoke("audit.list", { limit: 1 })).entries;
      expect(reset).toMatchObject({ operation: op, role, target: (input as { userId: string }).userId, outcome: "ok" });
      expect(await snapshot()).toEqual(before);
      return;
    }
    // support's session revocations: done, and audited as done.
    const [entry] = (await t.client.invoke("audit.list", { limit: 1 })).entries;
    expect(entry).toMatchObject({ operation: op, role, profile: PROFILE_NAMES[role], target: user.id, outcome: "ok" });
    const after = await snapshot();
    if (!before) throw new Error("no snapshot");
    expect(after.sessions.length).toBeLessThan(before.sessions.length);
    if (op === "users.revokeAllSessions") expect(after.sessions).toEqual([]);
    else expect(after.sessions).not.toContain((input as { sessionHandle: string }).sessionHandle);
    expect({ ...after, sessions: [] }).toEqual({ ...before, sessions: [] });
  });
});
