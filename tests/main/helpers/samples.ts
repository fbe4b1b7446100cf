/**
 * A valid input for every operation of the contract, so tests can iterate OPERATIONS. The type
 * names every operation: a new one without a sample does not compile, and `sampleFor` fails at
 * run time too (Vitest does not type-check).
 */
import supertokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { directCore } from "./gatehouse.ts";
import type { CoreClient } from "../../../main/core/core-client.ts";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { InputOf, OperationName } from "../../../shared/contract/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../shared/data-contract.ts";
import { demoLegacyMigrations } from "../../../main/embedded-core/demo/legacy-roster.ts";

export interface SampleContext {
  coreUrl: string;
  /** The profile in force (switching to it changes nothing). */
  profileId: string;
  /** Another profile (the one profiles.remove would remove). */
  otherProfileId: string;
  /** A demo user that the mutations would change (holds role "support" in public). */
  userId: string;
  email: string;
  /** Starts a live session for the user and returns its handle. */
  newSession(): Promise<string>;
  /** A draft job planned as admin (roles.bulkAssign of "admin" to the user): see draftJob(). */
  jobId: string;
  /** A Gatehouse server the test added (servers.open and servers.remove act on it). */
  serverId?: string;
}

type Samples = { [N in OperationName]: (ctx: SampleContext) => InputOf<N> | Promise<InputOf<N>> };

export const SAMPLE_INPUTS: Samples = {
  "session.whoami": () => ({}),
  "connection.status": () => ({}),
  "tenants.list": () => ({}),
  "profiles.list": () => ({}),
  "profiles.create": (c) => ({
    name: "Sample profile",
    uris: [c.coreUrl],
    role: "admin",
    defaultTenant: "public",
    timeoutMs: 5000,
    contract: { ...DEFAULT_DATA_CONTRACT },
    apiKey: "sample-api-key-0123456789",
  }),
  // The escalation a lesser role would try first: promoting its own profile.
  "profiles.update": (c) => ({ id: c.profileId, role: "admin", name: "Promoted" }),
  "profiles.remove": (c) => ({ id: c.otherProfileId }),
  "profiles.switch": (c) => ({ id: c.profileId }),
  "profiles.test": (c) => ({ id: c.profileId }),
  // A new address each time: one server is listed once.
  "servers.add": () => ({ name: `Sample server ${Math.random().toString(36).slice(2, 8)}`, url: `https://gatehouse-${Math.random().toString(36).slice(2, 8)}.example.com` }),
  "servers.open": (c) => ({ id: c.serverId ?? fail("SampleContext.serverId: add a server (servers.add) before the samples run") }),
  "servers.list": () => ({}),
  "servers.remove": (c) => ({ id: c.serverId ?? fail("SampleContext.serverId: add a server (servers.add) before the samples run") }),
  "users.list": () => ({ tenantId: "public", order: "newest", limit: 5 }),
  "users.export": () => ({ tenantId: "public", order: "newest", max: 5 }),
  "users.quickSearch": () => ({ text: "ada", tenantId: "public" }),
  "users.get": (c) => ({ userId: c.userId }),
  "users.updateMetadata": (c) => ({ userId: c.userId, update: { sample: "changed" } }),
  "users.addRole": (c) => ({ userId: c.userId, tenantId: "public", role: "admin" }),
  "users.removeRole": (c) => ({ userId: c.userId, tenantId: "public", role: "support" }),
  "users.sessions": (c) => ({ userId: c.userId }),
  "users.revokeSession": async (c) => ({ userId: c.userId, sessionHandle: await c.newSession() }),
  "users.revokeAllSessions": (c) => ({ userId: c.userId }),
  "users.delete": (c) => ({ userId: c.userId, confirm: c.email }),
  "roles.list": () => ({ tenantId: "public" }),
  "roles.users": () => ({ role: "admin", tenantId: "public" }),
  "roles.create": () => ({ role: "sample-role", permissions: ["sample:do"] }),
  "roles.setPermissions": () => ({ role: "support", add: ["sample:do"], remove: ["users:read"] }),
  "roles.deletePreview": () => ({ role: "support" }),
  "roles.delete": () => ({ role: "support" }),
  "allowlists.get": () => ({ tenantId: "public", kind: "email" }),
  "allowlists.preview": () => ({ tenantId: "public", kind: "email", add: ["sample@example.com"], remove: [] }),
  "allowlists.apply": () => ({ tenantId: "public", kind: "email", add: ["sample@example.com"], remove: ["new.hire@example.com"] }),
  "allowlists.import": () => ({ tenantId: "public", kind: "email", csv: "email\nsample@example.com\n", mode: "add" }),
  "allowlists.export": () => ({ tenantId: "public", kind: "email" }),
  "invites.create": () => ({ tenantId: "public", email: "sample.invitee@example.com", roles: [] }),
  // A fresh pending invitee each time (made as the app's backend would), so earlier samples cannot have removed it.
  "invites.resend": async (c) => ({ userId: await pendingInvitee(c.coreUrl) }),
  "invites.revoke": async (c) => ({ userId: await pendingInvitee(c.coreUrl) }),
  "invites.list": () => ({ tenantId: "public" }),
  "invites.sync": () => ({ tenantId: "public", max: 50 }),
  "invites.outbox.list": () => ({}),
  "invites.outbox.export": () => ({}),
  "invites.outbox.markHandled": () => ({ ids: [1] }),
  "invites.settings.get": () => ({}),
  "invites.settings.update": () => ({ appUrl: "http://localhost:3001", smtpPassword: "sample-smtp-password" }),
  "audit.list": () => ({ limit: 10 }),
  "audit.operations": () => ({}),
  "audit.verify": () => ({}),
  "audit.export": () => ({ format: "csv" }),
  "jobs.list": () => ({}),
  "jobs.get": (c) => ({ jobId: c.jobId }),
  "jobs.result": (c) => ({ jobId: c.jobId }),
  "jobs.dryRun": (c) => ({ kind: "roles.bulkAssign", input: { role: "admin", tenantId: "public", userIds: [c.userId] } }),
  // In the order of the contract: start the draft, then pause, resume, retry its failed items (none), cancel it (each idempotent once it ended).
  "jobs.start": (c) => ({ jobId: c.jobId }),
  "jobs.pause": (c) => ({ jobId: c.jobId }),
  "jobs.resume": (c) => ({ jobId: c.jobId }),
  "jobs.retryFailed": (c) => ({ jobId: c.jobId }),
  "jobs.cancel": (c) => ({ jobId: c.jobId }),
  // A fresh user without a second factor (earlier samples may have deleted c.userId): clearing changes nothing, and is audited.
  "secondFactor.reset": async (c) => ({ userId: await pendingInvitee(c.coreUrl), reason: "lost phone", ticket: "SUP-1", action: { kind: "clear", deletePasswordlessUser: false } }),
  "secondFactor.resetPreview": (c) => ({ userId: c.userId }),
  "secondFactor.report": () => ({ tenantId: "public" }),
  "secondFactor.reportCsv": () => ({ tenantId: "public" }),
  "migration.source.get": () => ({}),
  "migration.source.importCsv": () => ({ rosterCsv: "legacy_id,email,email_verified,created\nlegacy-900001,sample.legacy@example.org,true,2020-01-02\n", fileName: "roster.csv" }),
  // Nothing listens there: the read job fails on its own; the operation itself answers.
  "migration.source.setService": () => ({ url: "http://127.0.0.1:9", legacyToken: "sample-legacy-token" }),
  "migration.source.read": () => ({}),
  "migration.scan.start": () => ({ mode: "refresh" }),
  "migration.scan.status": () => ({}),
  "migration.summary": () => ({}),
  "migration.history": () => ({}),
  "migration.rate": () => ({}),
  "migration.criterion.get": () => ({}),
  "migration.criterion.set": () => ({ criterion: { kind: "share", targetShare: 0.8 } }),
  "migration.list": () => ({ state: "not-migrated" }),
  "migration.export": () => ({ state: "migrated" }),
  "migration.report": () => ({ format: "json" }),
  "migrationEnd.capabilities": () => ({}),
  "migrationEnd.plan": () => ({ path: "sdk", dryRunOnly: true }),
  "migrationEnd.status": () => ({}),
  // A demo user mid-reset (on a temporary password): the link goes to the outbox.
  "resetLinks.send": () => ({ userId: midResetDemoUser() }),
  "resetLinks.settings.get": () => ({}),
  "resetLinks.settings.update": () => ({ template: { subject: "Set your password", text: "Choose a new password: {{link}}" } }),
  // The desktop has no operators (a team server does): these answer NOT_FOUND to an admin here.
  "operators.list": () => ({}),
  "operators.invite": () => ({ email: "new.operator@example.org", role: "support" }),
  "operators.setRole": () => ({ userId: "operator-1", role: "auditor" }),
  "operators.remove": () => ({ userId: "operator-1" }),
  "operators.resetSecondFactor": () => ({ userId: "operator-1" }),
};

function fail(message: string): never {
  throw new Error(message);
}

/** A legacy user the demo data left mid-reset (temporary password, flag set). */
export function midResetDemoUser(): string {
  const found = demoLegacyMigrations(8).find((m) => m.state === "mid-reset");
  if (!found) throw new Error("the demo data has no user mid-reset");
  return found.user.id;
}

export function sampleFor(op: string): (ctx: SampleContext) => unknown {
  const sample = (SAMPLE_INPUTS as Record<string, ((ctx: SampleContext) => unknown) | undefined>)[op];
  if (!sample) throw new Error(`There is no sample input for "${op}": add one to tests/main/helpers/samples.ts so the role and audit tests cover it.`);
  return sample;
}

/** SampleContext.jobId: a draft job, planned through `client` while the admin profile is in force. */
export async function draftJob(client: GatehouseClient, userId: string): Promise<string> {
  const { job } = await client.invoke("jobs.dryRun", { kind: "roles.bulkAssign", input: { role: "admin", tenantId: "public", userIds: [userId] } });
  return job.id;
}

/**
 * A draft job of another profile (jobs are seen only from the profile they were planned for):
 * from the admin profile in force, that profile is made admin for a moment to plan it, then
 * given its role back.
 */
export async function draftJobOn(client: GatehouseClient, profileId: string, userId: string): Promise<string> {
  const home = (await client.invoke("session.whoami", {})).profile?.id ?? "";
  const role = (await client.invoke("profiles.list", {})).profiles.find((p) => p.id === profileId)?.role ?? "admin";
  await client.invoke("profiles.update", { id: profileId, role: "admin" });
  await client.invoke("profiles.switch", { id: profileId });
  try {
    return await draftJob(client, userId);
  } finally {
    await client.invoke("profiles.switch", { id: home });
    await client.invoke("profiles.update", { id: profileId, role });
  }
}

/** A live session for `userId` in `tenantId`, created the way an app backend would. */
export async function createSession(core: CoreClient, userId: string, tenantId = "public"): Promise<string> {
  const session = await core.sdk(() => Session.createNewSessionWithoutRequestResponse(tenantId, supertokens.convertToRecipeUserId(userId)));
  return session.getHandle();
}

/** A Passwordless user with an invite record and no acceptance: what invites.resend and invites.revoke act on. */
export async function pendingInvitee(coreUrl: string): Promise<string> {
  const core = directCore(coreUrl);
  const email = `pending.${Math.random().toString(36).slice(2, 10)}@invitee.example`;
  const { user } = await core.sdk(() => Passwordless.signInUp({ email, tenantId: "public" }));
  await core.sdk(() => UserMetadata.updateUserMetadata(user.id, { [DEFAULT_DATA_CONTRACT.inviteKey]: { invitedAt: Date.now(), invitedBy: "sample" } }));
  return user.id;
}
