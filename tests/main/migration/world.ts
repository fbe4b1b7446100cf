/**
 * A migration world for a test file: a fresh embedded core (its own, in memory) that an "app"
 * changes through supertokens-node as the backend kit would (sign-ups, user-id mappings, metadata),
 * and a real Gatehouse with an admin profile on that core.
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import type { CoreClient } from "../../../main/core/core-client.ts";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { JobSummary } from "../../../shared/contract/operations/jobs.ts";
import type { GatehouseOptions } from "../../../main/app.ts";
import { DEFAULT_DATA_CONTRACT, type MigrationRecord } from "../../../shared/data-contract.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { waitFor } from "../jobs/helpers.ts";

export { waitFor };
export const C = DEFAULT_DATA_CONTRACT;

export interface World {
  core: RunningEmbeddedCore;
  t: TestGatehouse;
  client: GatehouseClient;
  /** The test's own supertokens-node connection to the core (the app's side). */
  app: CoreClient;
  profileId: string;
  close(): Promise<void>;
}

export async function startWorld(options: Partial<GatehouseOptions> = {}, coreUrl?: string): Promise<World> {
  const core = await startEmbeddedCore({});
  const t = await startTestGatehouse({ jobs: { retry: { baseMs: 20, capMs: 200 }, probe: { baseMs: 50, capMs: 200 }, progressIntervalMs: 20 }, ...options });
  const profile = await t.client.invoke("profiles.create", profileInput("Migration core", [coreUrl ?? core.url]));
  await t.client.invoke("profiles.switch", { id: profile.id });
  return {
    core,
    t,
    client: t.client,
    app: directCore(core.url),
    profileId: profile.id,
    async close() {
      await t.close();
      await core.close();
    },
  };
}

/** An email-password user made as a plain sign-up (no mapping). */
export async function signUp(app: CoreClient, email: string, tenantId = "public"): Promise<string> {
  const res = await app.sdk(() => EmailPassword.signUp(tenantId, email, "Password-123"));
  if (res.status !== "OK") throw new Error(`sign-up of ${email}: ${res.status}`);
  return res.user.id;
}

/** What the backend kit leaves for a migrated legacy user: the account, the mapping, the migration record, maybe the flag. */
export async function migrate(app: CoreClient, legacyId: string, email: string, opts: { temporary?: boolean; at?: number } = {}): Promise<void> {
  const id = await signUp(app, email);
  await app.sdk(() => supertokens.createUserIdMapping({ superTokensUserId: id, externalUserId: legacyId }));
  const record: MigrationRecord = { legacyId, provider: "LegacyAuth", via: opts.temporary ? "password-reset" : "sign-in", migratedAt: opts.at ?? Date.now() };
  await app.sdk(() => UserMetadata.updateUserMetadata(legacyId, { [C.migrationKey]: record, ...(opts.temporary ? { [C.temporaryPasswordKey]: true } : {}) } as never));
}

/** A Passwordless user with an email or a phone number. */
export async function passwordless(app: CoreClient, contact: { email: string } | { phoneNumber: string }): Promise<string> {
  const res = await app.sdk(() => Passwordless.signInUp({ tenantId: "public", ...contact }));
  return res.user.id;
}

export async function finished(client: GatehouseClient, jobId: string, timeoutMs = 30_000): Promise<JobSummary> {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const { job } = await client.invoke("jobs.get", { jobId, limit: 1 });
      return ["completed", "failed", "cancelled"].includes(job.state) ? job : undefined;
    },
    timeoutMs,
  );
}

/** Starts a scan and waits for it to complete. */
export async function scan(client: GatehouseClient, mode: "full" | "refresh" = "full"): Promise<JobSummary> {
  const { job } = await client.invoke("migration.scan.start", { mode });
  const done = await finished(client, job.id);
  if (done.state !== "completed" || done.failed > 0) {
    const { items } = await client.invoke("jobs.get", { jobId: job.id, state: "failed" });
    throw new Error(`the scan ended ${done.state} with ${done.failed} failed items: ${done.error ?? ""} ${items.map((i) => i.error).join("; ")}`);
  }
  return done;
}

export function rosterCsv(rows: [legacyId: string, email: string, verified?: boolean][]): string {
  return ["legacy_id,email,email_verified,created", ...rows.map(([id, email, verified]) => `${id},${email},${verified ?? true},2020-05-01`)].join("\n") + "\n";
}
