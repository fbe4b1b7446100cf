/**
 * The end of the migration and reset links (issue 13), built from their dependencies: the
 * operations (migrationEnd.*, resetLinks.*) and the job kinds ("migration.end",
 * "migration.endBulk", "migration.resetLinks") for the job engine.
 */
import type pg from "pg";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import { MIGRATION_END_KINDS, type BulkImportProgress, type MigrationEndPath, type MigrationEndStatus } from "../../../shared/contract/operations/migration-end.ts";
import type { Handlers } from "../../dispatch.ts";
import type { AnyJobKind } from "../../jobs/kind.ts";
import type { JobRunner } from "../../jobs/runner.ts";
import type { Mailer } from "../../mail/mailer.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";
import type { ActiveConnection } from "../../services/connection.ts";
import { InviteSettingsStore } from "../../services/invites/settings.ts";
import type { InviteStore } from "../../services/invites/store/invite-store.ts";
import type { ProfileRecord } from "../../services/profiles.ts";
import type { StoreDb } from "../../store/database.ts";
import { requireCandidate } from "../reset-links/candidate.ts";
import type { ResetLinkDeps } from "../reset-links/context.ts";
import { deliveryContext } from "../reset-links/context.ts";
import { deliverResetLink } from "../reset-links/deliver.ts";
import { resetLinksKind } from "../reset-links/kind.ts";
import { SmtpCommittingMailer, committingFrom, type CommittingMailer } from "../reset-links/mailer.ts";
import { PostgresResetTemplateStore } from "../reset-links/postgres-template-store.ts";
import { ResetLinkSettingsStore } from "../reset-links/settings.ts";
import { SqliteResetTemplateStore } from "../reset-links/sqlite-template-store.ts";
import type { RosterReader } from "../roster/types.ts";
import { bulkImportSupport } from "./bulk/api.ts";
import type { BatchOptions } from "./bulk/batcher.ts";
import { migrationEndBulkKind } from "./kind-bulk.ts";
import { migrationEndSdkKind } from "./kind-sdk.ts";
import type { Marks } from "./marks.ts";
import { PostgresMarks } from "./postgres-marks.ts";
import { SqliteMarks } from "./sqlite-marks.ts";
import { NothingToMigrate } from "./plan.ts";
import { countPlan } from "./results.ts";

export interface MigrationEndDeps {
  db: StoreDb;
  secrets: SecretBox;
  now: () => number;
  connection: () => ActiveConnection;
  profileFor: (profileId: string) => ProfileRecord;
  /** The invites' outbox scope of a profile's Core (reset mail without SMTP goes to that outbox). */
  scopeOf: (active: ActiveConnection) => string;
  /** The invites store (settings: where links land, SMTP; the outbox). */
  inviteStore: InviteStore;
  roster: RosterReader;
  /** The job engine (built after this area: its kinds come from here). */
  runner: () => JobRunner;
  /** A plain mailer to send through instead of SMTP (tests); it commits before sending. */
  mailer?: Mailer | CommittingMailer;
  /** Bulk-import polling (tests). */
  bulk?: Partial<BatchOptions>;
  /** Several team-server instances on one PostgreSQL: the jobs' marks and the reset-mail template are kept there, shared. */
  postgres?: pg.Pool;
}

type OpName = Extract<keyof Handlers, `migrationEnd.${string}` | `resetLinks.${string}`>;
const KIND_OF: Record<MigrationEndPath, string> = { sdk: MIGRATION_END_KINDS.sdk, "bulk-import": MIGRATION_END_KINDS["bulk-import"] };
const PATH_OF = new Map<string, MigrationEndPath>(Object.entries(KIND_OF).map(([path, kind]) => [kind, path as MigrationEndPath]));

const isCommitting = (m: Mailer | CommittingMailer): m is CommittingMailer => m instanceof SmtpCommittingMailer;

export function createMigrationEnd(deps: MigrationEndDeps): { handlers: Pick<Handlers, OpName>; jobKinds: AnyJobKind[]; close: () => void } {
  const inviteSettings = new InviteSettingsStore(deps.inviteStore, deps.secrets, deps.now);
  const templates = deps.postgres ? new PostgresResetTemplateStore(deps.postgres) : new SqliteResetTemplateStore(deps.db);
  const resetSettings = new ResetLinkSettingsStore(templates, inviteSettings, deps.now);
  const records = deps.inviteStore;
  const marks: Marks = deps.postgres ? new PostgresMarks(deps.postgres, deps.now) : new SqliteMarks(deps.db, deps.now);
  const mailer: CommittingMailer = deps.mailer ? (isCommitting(deps.mailer) ? deps.mailer : committingFrom(deps.mailer as Mailer)) : new SmtpCommittingMailer();
  const linkDeps: ResetLinkDeps = { inviteSettings, resetSettings, records, mailer, now: deps.now, profileFor: deps.profileFor, scopeOf: deps.scopeOf };

  // The last look at the Core per bulk-import job (jobs planned with jobs.dryRun too), for migrationEnd.status after a restart.
  const saveProgress = (jobId: string, profileId: string, p: BulkImportProgress) => marks.saveBulkProgress(jobId, profileId, p);
  const endDeps = { ...linkDeps, roster: deps.roster, marks };
  const bulk = migrationEndBulkKind({ ...endDeps, saveProgress, ...(deps.bulk ? { batch: deps.bulk } : {}) });
  const jobKinds: AnyJobKind[] = [migrationEndSdkKind(endDeps), bulk.kind, resetLinksKind({ ...linkDeps, marks })];

  const active = () => deps.connection();
  /**
   * The end-of-migration job of the profile in force: the one named, or the newest of its jobs of
   * these kinds (however it was planned). Another profile's job is NOT_FOUND, as if it did not exist.
   */
  const jobOf = async (profileId: string, jobId: string | undefined): Promise<{ jobId: string; path: MigrationEndPath } | undefined> => {
    const runner = deps.runner();
    if (jobId) {
      let path: MigrationEndPath | undefined;
      try {
        path = (await runner.profileOf(jobId)) === profileId ? PATH_OF.get((await runner.kindOfJob(jobId)).name) : undefined;
      } catch {
        path = undefined;
      }
      if (!path) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no end-of-migration job ${jobId} for this connection profile.` });
      return { jobId, path };
    }
    for (let offset = 0; ; offset += 100) {
      const { jobs, total } = await runner.list(profileId, offset, 100);
      const found = jobs.find((j) => PATH_OF.has(j.kind));
      if (found) return { jobId: found.id, path: PATH_OF.get(found.kind) as MigrationEndPath };
      if (offset + 100 >= total) return undefined;
    }
  };

  const handlers: Pick<Handlers, OpName> = {
    "migrationEnd.capabilities": async () => {
      const support = await bulkImportSupport(active().core);
      return { bulkImport: support, path: support.available ? "bulk-import" : "sdk" };
    },

    "migrationEnd.plan": async (i, caller) => {
      const { profile, core } = active();
      const support = await bulkImportSupport(core);
      const path: MigrationEndPath = i.path === "auto" ? (support.available ? "bulk-import" : "sdk") : i.path;
      if (path === "bulk-import" && !support.available) {
        throw new GatehouseError({ code: "CONFLICT", message: `${support.reason ?? "The Core does not offer the bulk import."} Plan the end of the migration with supertokens-node calls instead (path "sdk").` });
      }
      const pathReason =
        path === "bulk-import"
          ? "The Core offers the bulk import: accounts are staged up to 10,000 at a time and imported by the Core's background task."
          : i.path === "sdk"
            ? "Chosen: one supertokens-node call sequence per user."
            : `${support.reason ?? "The Core does not offer the bulk import."} Each account is made with supertokens-node calls.`;
      let planned: Awaited<ReturnType<JobRunner["dryRun"]>>;
      try {
        planned = await deps.runner().dryRun(KIND_OF[path], { tenantId: i.tenantId, provider: i.provider, dryRunOnly: i.dryRunOnly }, { profileId: profile.id, createdBy: caller.operator }, 1000);
      } catch (err) {
        if (!(err instanceof NothingToMigrate)) throw err;
        return { path, pathReason, job: null, nothing: err.message, items: [], counts: { accounts: 0, keepPassword: 0, resetLinks: 0, conflicts: 0, alreadyMigrated: 0 } };
      }
      const { job, items } = planned;
      // Counted over every item (the answer carries the first 1000).
      const all: { input: Record<string, unknown>; error?: string }[] = [];
      for (let offset = 0; offset < job.total; offset += 5000) {
        for (const it of (await deps.runner().get(job.id, offset, 5000)).items) all.push({ input: it.input, ...(it.error !== null && it.state === "skipped" ? { error: it.error } : {}) });
      }
      return { path, pathReason, job, nothing: null, items, counts: countPlan(all) };
    },

    "migrationEnd.status": async (i) => {
      const profileId = active().profile.id;
      const found = await jobOf(profileId, i.jobId);
      const empty: MigrationEndStatus = { job: null, path: null, phase: null, links: { sent: 0, outbox: 0 }, bulk: null };
      if (!found) return empty;
      const { job } = await deps.runner().get(found.jobId, 0, 1);
      const progress = found.path === "bulk-import" ? (bulk.progress(found.jobId) ?? (await marks.bulkProgress(found.jobId))) : null;
      const linksMade = await marks.deliveries(found.jobId);
      const phase: MigrationEndStatus["phase"] =
        job.state === "draft"
          ? "planned"
          : job.state === "completed" || job.state === "cancelled" || job.state === "failed"
            ? "finished"
            : progress && progress.staged > 0
              ? "waiting-for-core"
              : linksMade.sent + linksMade.outbox > 0 && job.pending === 0
                ? "sending-links"
                : "creating-accounts";
      return { job, path: found.path, phase, links: linksMade, bulk: progress };
    },

    "resetLinks.send": async (i) => {
      const { profile, core } = active();
      const context = await deliveryContext(linkDeps, profile.id, core);
      const who = await requireCandidate(core, profile.contract, i.userId, profile.defaultTenant);
      const sent = await deliverResetLink(context, who);
      return { userId: who.userId, email: who.email, tenantId: who.tenantId, link: sent.link, expiresAt: sent.expiresAt, delivery: sent.delivery, messageId: sent.messageId };
    },
    "resetLinks.settings.get": () => resetSettings.view(active().profile.id),
    "resetLinks.settings.update": (i) => resetSettings.update(active().profile.id, i.template),
  };
  return { handlers, jobKinds, close: () => bulk.stop() };
}
