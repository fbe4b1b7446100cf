/**
 * A valid input for every operation of the contract, so tests can iterate OPERATIONS. The type
 * names every operation: a new one without a sample does not compile, and `sampleFor` fails at
 * run time too (Vitest does not type-check).
 */
import supertokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import type { CoreClient } from "../../../main/core/core-client.ts";
import type { InputOf, OperationName } from "../../../shared/contract/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../shared/data-contract.ts";

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
  "audit.list": () => ({ limit: 10 }),
  "audit.verify": () => ({}),
  "audit.export": () => ({ format: "csv" }),
};

export function sampleFor(op: string): (ctx: SampleContext) => unknown {
  const sample = (SAMPLE_INPUTS as Record<string, ((ctx: SampleContext) => unknown) | undefined>)[op];
  if (!sample) throw new Error(`There is no sample input for "${op}": add one to tests/main/helpers/samples.ts so the role and audit tests cover it.`);
  return sample;
}

/** A live session for `userId` in `tenantId`, created the way an app backend would. */
export async function createSession(core: CoreClient, userId: string, tenantId = "public"): Promise<string> {
  const session = await core.sdk(() => Session.createNewSessionWithoutRequestResponse(tenantId, supertokens.convertToRecipeUserId(userId)));
  return session.getHandle();
}
