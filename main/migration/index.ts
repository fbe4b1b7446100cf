/**
 * The migration area (issue 13), built from its dependencies: the legacy roster and its source,
 * the local user index and its scan job, classification, snapshots, the end criterion, the lists
 * per state and the auditor's report; the migration.* operations wired for the dispatcher, its job
 * kinds for the job engine, the RosterReader the end-of-migration job reads, and the port the
 * Users list answers its index filters through.
 */
import type pg from "pg";
import type { z } from "zod";
import { GatehouseError } from "../../shared/contract/errors.ts";
import { OPERATIONS } from "../../shared/contract/index.ts";
import type { IndexFreshness, migrationOps, RosterStatus } from "../../shared/contract/operations/migration.ts";
import { ROSTER_CSV_MAX_BYTES } from "../../shared/contract/operations/migration.ts";
import type { AuditEntry } from "../../shared/contract/schemas.ts";
import type { Handlers } from "../dispatch.ts";
import type { AnyJobKind } from "../jobs/kind.ts";
import type { JobRunner } from "../jobs/runner.ts";
import type { SecretBox } from "../secrets/secret-box.ts";
import type { AuditTrail } from "../services/audit/trail.ts";
import type { ActiveConnection } from "../services/connection.ts";
import type { ProfileRecord } from "../services/profiles.ts";
import type { StoreDb } from "../store/database.ts";
import { DEMO_SOURCE_NAME, demoDisabledCount, demoHistory, demoRoster } from "./demo.ts";
import { listCsv } from "./lists.ts";
import { Progress } from "./progress.ts";
import { PostgresProgressStore } from "./progress/postgres-store.ts";
import { SqliteProgressStore } from "./progress/sqlite-store.ts";
import { buildReport } from "./report.ts";
import { readRosterCsv } from "./roster/csv.ts";
import { ROSTER_READ_KIND, rosterReadKind } from "./roster/read-kind.ts";
import type { RosterReader } from "./roster/types.ts";
import { migrationStores } from "./stores.ts";
import { SCAN_KIND, scanKind } from "./user-index/scan-kind.ts";
import { freshnessOf } from "./user-index/store.ts";
import { requireIndex, type IndexPageQuery, type IndexRow } from "./user-index/users-page.ts";

export interface MigrationAreaDeps {
  db: StoreDb;
  secrets: SecretBox;
  now: () => number;
  connection: () => ActiveConnection;
  /** A profile by id (jobs run for the profile they were planned for). */
  profileFor: (profileId: string) => ProfileRecord;
  /** The job engine (made after the areas, since it takes their kinds). */
  jobs: () => JobRunner;
  audit: AuditTrail;
  /** Several team-server instances on one PostgreSQL: the roster, the index, the classification and progress are kept there, shared. */
  postgres?: pg.Pool;
}

/** What the Users list asks the index (main/services/users.ts). */
export interface UsersIndexPort {
  freshness(profileId: string): Promise<IndexFreshness>;
  /** A page of the index; `freshness` when the caller has just read it. */
  page(profileId: string, q: IndexPageQuery, freshness?: IndexFreshness): Promise<{ rows: IndexRow[]; nextPaginationToken: string | null; matches: number; index: IndexFreshness }>;
}

type MigrationOpName = Extract<keyof Handlers, `migration.${string}`>;
type Out<N extends keyof typeof migrationOps> = z.input<(typeof migrationOps)[N]["output"]>;

const ACTIVE_JOB = new Set(["draft", "running", "waiting", "paused"]);

export function createMigration(deps: MigrationAreaDeps): {
  handlers: Pick<Handlers, MigrationOpName>;
  jobKinds: AnyJobKind[];
  roster: RosterReader;
  usersIndex: UsersIndexPort;
} {
  const { roster, index, classification } = migrationStores(deps.db, deps.postgres);
  const progress = new Progress(deps.postgres ? new PostgresProgressStore(deps.postgres) : new SqliteProgressStore(deps.db), deps.now);

  /** After the roster changed: classified again against the index as the last scan left it (no Core calls). */
  const reclassify = async (profileId: string) => {
    if ((await index.meta(profileId))?.built_at) await classification.classify(profileId);
  };

  const finishScan = async (profileId: string, jobId: string, mode: "full" | "refresh", removed: number): Promise<string> => {
    // A full scan resolved them as it replaced the index; a refresh may have changed links or phone users.
    if (mode === "refresh") await index.resolveSecondFactors(profileId);
    await classification.classify(profileId);
    const at = deps.now();
    const t = await classification.totals(profileId);
    // The demo's invented past comes before its first real snapshot (demo.ts).
    const demo = (await roster.source(profileId))?.kind === "demo" ? demoHistory(at, t).map((s) => ({ ...s, kind: "demo" as const })) : [];
    // The snapshot first: a crash before the index notes the scan leaves the scan to finish again (one more snapshot), never a scan without one.
    await progress.addSnapshot(profileId, { at, kind: mode, overall: t.overall, tenants: t.tenants, jobId }, demo);
    await index.noteScanned(profileId, mode === "full", at, await roster.version(profileId));
    const o = t.overall;
    return `${o.rosterTotal} roster users: ${o.migrated} migrated, ${o.temporaryPassword} on a temporary password, ${o.notMigrated} not migrated, ${o.conflict} in conflict; ${o.outsideRoster} users outside the roster${removed ? `; ${removed} gone from the Core` : ""}`;
  };

  const jobKinds: AnyJobKind[] = [
    scanKind({ store: index, contractOf: (id) => deps.profileFor(id).contract, finish: finishScan }),
    rosterReadKind({ roster, secrets: deps.secrets, now: deps.now, replaced: reclassify }),
  ];

  const runner = () => deps.jobs();
  const jobOf = async (jobId: string | null | undefined) => {
    if (!jobId) return null;
    try {
      return await runner().summary(jobId);
    } catch {
      return null; // the job was removed with its profile
    }
  };
  const freshness = async (profileId: string): Promise<IndexFreshness> => {
    const job = await jobOf((await index.meta(profileId))?.last_job_id);
    const scanning = job && ACTIVE_JOB.has(job.state) ? { jobId: job.id, state: job.state, done: job.done, total: job.total, etaMs: job.etaMs } : null;
    return freshnessOf(index, profileId, deps.now(), scanning);
  };

  const startJob = async (kind: string, input: unknown, profileId: string, createdBy: string) => {
    const { job } = await runner().dryRun(kind, input, { profileId, createdBy });
    return runner().start(job.id);
  };

  const startScan = async (profileId: string, mode: "full" | "refresh", createdBy: string) => {
    const current = await jobOf((await index.meta(profileId))?.last_job_id);
    // One scan at a time per profile: asking again answers with the one under way.
    if (current && ACTIVE_JOB.has(current.state)) return current;
    if (current) await index.dropStage(current.id); // a scan that ended without replacing the index
    const job = await startJob(SCAN_KIND, { mode }, profileId, createdBy);
    await index.noteScanJob(profileId, job.id);
    return job;
  };

  /** The Local demo profile gets LegacyAuth's default roster and a first scan on its first visit (demo.ts). */
  const demoSeeded = new Set<string>();
  const active = async (): Promise<ProfileRecord> => {
    const { profile } = deps.connection();
    if (profile.embedded && !demoSeeded.has(profile.id)) {
      demoSeeded.add(profile.id);
      if (!(await roster.source(profile.id))) {
        await roster.replace(profile.id, demoRoster(), { kind: "demo", fileName: DEMO_SOURCE_NAME, at: deps.now(), by: "demo data", skippedDisabled: demoDisabledCount() });
        if (!(await index.meta(profile.id))?.built_at) await startScan(profile.id, "full", "demo data").catch(() => undefined);
      }
    }
    return profile;
  };

  const readJobRunning = async (profileId: string) => {
    const job = await jobOf((await roster.source(profileId))?.read_job_id);
    if (job && ACTIVE_JOB.has(job.state)) {
      throw new GatehouseError({ code: "CONFLICT", message: `The roster is being read from the legacy service (job ${job.id}). Wait for it, or cancel it on the Jobs screen, then try again.` });
    }
  };

  /** A read under way is cancelled when the service's settings change (they supersede it); asked again otherwise, it answers. */
  const startRead = async (profileId: string, supersede: boolean, createdBy: string) => {
    const current = await jobOf((await roster.source(profileId))?.read_job_id);
    if (current && ACTIVE_JOB.has(current.state)) {
      if (!supersede) return current;
      await runner().cancel(current.id);
    }
    const job = await startJob(ROSTER_READ_KIND, {}, profileId, createdBy);
    await roster.noteRead(profileId, job.id, null);
    return job;
  };

  const rosterStatus = async (profileId: string): Promise<RosterStatus> => {
    const s = await roster.source(profileId);
    const readJob = await jobOf(s?.read_job_id);
    return {
      source:
        s?.kind === "service"
          ? { kind: "service", url: s.url ?? "", hasToken: s.token_sealed !== null, tenantId: s.tenant_id ?? "public", setAt: s.set_at, setBy: s.set_by }
          : s
            ? { kind: s.kind, fileName: s.file_name, setAt: s.set_at, setBy: s.set_by }
            : null,
      total: await roster.count(profileId),
      withHashes: await roster.withHashes(profileId),
      tenants: await roster.tenants(profileId),
      skippedDisabled: s?.skipped_disabled ?? 0,
      updatedAt: s?.updated_at ?? null,
      read: readJob ? { job: readJob, error: s?.read_error ?? null } : null,
    };
  };

  /** Every audited migration change of the profile, oldest first. */
  const changes = async (profileName: string): Promise<AuditEntry[]> => {
    const names = Object.entries(OPERATIONS)
      .filter(([name, spec]) => spec.mutates && (name.startsWith("migration.") || name.startsWith("migrationEnd.")))
      .map(([name]) => name);
    const out: AuditEntry[] = [];
    for (const operation of names) {
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await deps.audit.list({ operation, limit: 1000, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
        out.push(...page.entries.filter((e) => e.profile === profileName));
        if (page.nextBeforeSeq === null) break;
        beforeSeq = page.nextBeforeSeq;
      }
    }
    return out.sort((a, b) => a.seq - b.seq);
  };

  const handlers: Pick<Handlers, MigrationOpName> = {
    "migration.source.get": async () => await rosterStatus((await active()).id),
    "migration.source.importCsv": async (i, caller): Promise<Out<"migration.source.importCsv">> => {
      const profile = await active();
      await readJobRunning(profile.id);
      if (Buffer.byteLength(i.rosterCsv, "utf8") > ROSTER_CSV_MAX_BYTES) {
        return { status: "refused", problems: [{ line: 1, field: null, message: "The file is over 50 MB. Split the roster, or read it from the legacy service." }], problemCount: 1, rows: 0 };
      }
      const read = readRosterCsv(i.rosterCsv, i.defaultTenant ?? profile.defaultTenant);
      if (!read.ok) return { status: "refused", problems: read.problems.slice(0, 500), problemCount: read.problems.length, rows: read.rows };
      const replaced = await roster.replace(profile.id, read.entries, { kind: "csv", fileName: i.fileName ?? null, at: deps.now(), by: caller.operator });
      await reclassify(profile.id);
      return { status: "imported", roster: await rosterStatus(profile.id), imported: read.entries.length, replaced };
    },
    "migration.source.setService": async (i, caller) => {
      const profile = await active();
      const hasToken = (await roster.source(profile.id))?.token_sealed;
      if (i.legacyToken === undefined && !hasToken) throw new GatehouseError({ code: "VALIDATION", field: "legacyToken", message: "legacyToken: the legacy service's bearer token is required." });
      // Sealed here: the store never sees the token open.
      const tokenSealed = i.legacyToken !== undefined ? deps.secrets.seal(i.legacyToken) : null;
      await roster.setService(profile.id, { url: i.url, tokenSealed, tenantId: i.tenantId, at: deps.now(), by: caller.operator });
      const job = await startRead(profile.id, true, caller.operator);
      return { roster: await rosterStatus(profile.id), job };
    },
    "migration.source.read": async (_i, caller) => {
      const profile = await active();
      if ((await roster.source(profile.id))?.kind !== "service") throw new GatehouseError({ code: "VALIDATION", message: "This profile's migration source is not a legacy service: set its URL and token first." });
      return { job: await startRead(profile.id, false, caller.operator) };
    },
    "migration.scan.start": async (i, caller) => {
      const profile = await active();
      const job = await startScan(profile.id, i.mode, caller.operator);
      return { job, index: await freshness(profile.id) };
    },
    "migration.scan.status": async () => {
      const profile = await active();
      return { job: await jobOf((await index.meta(profile.id))?.last_job_id), index: await freshness(profile.id) };
    },
    "migration.summary": async () => {
      const profile = await active();
      const t = await classification.totals(profile.id);
      const f = await freshness(profile.id);
      const built = f.state === "ready";
      const { tenantId: _omit, ...none } = { tenantId: "", rosterTotal: await roster.count(profile.id), migrated: 0, temporaryPassword: 0, notMigrated: 0, conflict: 0, outsideRoster: 0, share: 0 };
      return {
        asOf: built ? f.refreshedAt : null,
        overall: built ? t.overall : none,
        tenants: built ? t.tenants : (await roster.tenants(profile.id)).map((r) => ({ ...none, tenantId: r.tenantId, rosterTotal: r.count })),
        index: f,
        rosterChangedSinceScan: built && ((await index.meta(profile.id))?.roster_version ?? 0) !== (await roster.version(profile.id)),
      };
    },
    "migration.history": async (i) => await progress.history((await active()).id, i),
    "migration.rate": async () => await progress.rate((await active()).id),
    "migration.criterion.get": async () => await progress.criterion((await active()).id),
    "migration.criterion.set": async (i, caller) => {
      const profile = await active();
      await progress.setCriterion(profile.id, i.criterion, caller.operator);
      return await progress.criterion(profile.id);
    },
    "migration.list": async (i) => {
      const profile = await active();
      return { ...(await classification.list(profile.id, i, i)), index: await freshness(profile.id) };
    },
    "migration.export": async (i) => {
      const profile = await active();
      const { csv, rows } = listCsv(await classification.listAll(profile.id, i));
      return { filename: `migration-${i.state}${i.tenantId ? `-${i.tenantId}` : ""}.csv`, csv, rows };
    },
    "migration.report": async (i) => {
      const profile = await active();
      const status = await rosterStatus(profile.id);
      const source = status.source === null ? "none" : status.source.kind === "service" ? `legacy service ${status.source.url}` : `${status.source.kind} ${status.source.fileName ?? ""}`.trim();
      return buildReport(i.format, {
        generatedAt: deps.now(),
        profile: profile.name,
        roster: { source, total: status.total, updatedAt: status.updatedAt },
        criterion: await progress.criterion(profile.id),
        snapshots: (await progress.history(profile.id, { limit: 100_000 })).snapshots,
        changes: await changes(profile.name),
      });
    },
  };

  const usersIndex: UsersIndexPort = {
    freshness,
    page: async (profileId, q, known) => {
      const f = known ?? (await freshness(profileId));
      requireIndex(f);
      return { ...(await index.page(profileId, q)), index: f };
    },
  };

  return { handlers, jobKinds, roster, usersIndex };
}
