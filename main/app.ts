/**
 * The composition root of the main process: builds the store, services and dispatcher with
 * their dependencies, and (for the Local demo profile) the embedded local core. Electron and
 * browser mode both start Gatehouse through here; tests build it with a temporary data folder.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { PostgresJobStore } from "./jobs/store/postgres-job-store.ts";
import { SqliteJobStore } from "./jobs/store/sqlite-job-store.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "./embedded-core/index.ts";
import { desktopCaller, osUserName } from "./desktop-caller.ts";
import { allowedOperations, effectivePermissions } from "../shared/contract/allowances.ts";
import { Dispatcher, type DispatcherDeps, type Handlers } from "./dispatch.ts";
import { EventBus } from "./events.ts";
import { createJobs, type JobsOptions } from "./jobs/index.ts";
import { createMigration } from "./migration/index.ts";
import { createMigrationEnd } from "./migration/end/index.ts";
import type { BatchOptions } from "./migration/end/bulk/batcher.ts";
import type { RosterReader } from "./migration/roster/types.ts";
import type { Mailer } from "./mail/mailer.ts";
import { FileKeySecretBox } from "./secrets/file-key-box.ts";
import type { SecretBox } from "./secrets/secret-box.ts";
import { AllowListsService } from "./services/allowlists/service.ts";
import { AuditLog } from "./services/audit-log.ts";
import type { AuditSink } from "./services/audit-stream/sink.ts";
import { PostgresAuditLog } from "./services/audit/postgres-audit-log.ts";
import type { AuditTrail } from "./services/audit/trail.ts";
import { ConnectionService } from "./services/connection.ts";
import { createInvites, inviteScope } from "./services/invites/index.ts";
import { PostgresInviteStore } from "./services/invites/store/postgres-invite-store.ts";
import { SqliteInviteStore } from "./services/invites/store/sqlite-invite-store.ts";
import { ProfilesService } from "./services/profiles.ts";
import { RoleIndex } from "./services/role-index.ts";
import { RolesService } from "./services/roles.ts";
import { secondFactorHandlers } from "./services/second-factor/index.ts";
import { ServersService, serverHandlers, type ServerWindows } from "./services/servers.ts";
import { UsersService } from "./services/users.ts";
import { openStore, type StoreDb } from "./store/database.ts";
import type { Caller } from "../shared/contract/caller.ts";
import { GatehouseError } from "../shared/contract/errors.ts";

export interface GatehouseOptions {
  /** Folder for gatehouse.sqlite, the key file and the embedded core's database. */
  dataDir: string;
  /** Seals API keys; defaults to a key file in dataDir (Electron passes its safeStorage box). */
  secrets?: SecretBox;
  /** Start the embedded local core for the Local demo profile (default true). */
  embeddedCore?: boolean;
  /** Keep the embedded core's data in memory instead of dataDir (tests). */
  embeddedCoreInMemory?: boolean;
  /** The desktop's operator name for the audit log (default: the OS account). */
  operator?: string;
  /** The operators.* operations: a team server's (main/team-server/); the desktop has no operators. */
  operators?: OperatorHandlers;
  /** Where the audit trail is streamed as JSON lines besides the chained log (services/audit-stream/). */
  auditSinks?: AuditSink[];
  /**
   * A team server's PostgreSQL, shared with its other instances: the audit trail, the jobs and the
   * invites area are kept there (services/audit/, jobs/store/, services/invites/store/). Gatehouse
   * does not close it.
   */
  postgres?: pg.Pool;
  /** Stricter permissions where a deployment needs them (the team server; see DispatcherDeps). */
  permissionOf?: DispatcherDeps["permissionOf"];
  /** Profiles set elsewhere (a team server's config, several instances): profile changes answer CONFLICT with this message. */
  profilesReadOnly?: string;
  now?: () => number;
  /** Job engine tuning (retry backoff, close grace) and extra job kinds (tests). */
  jobs?: JobsOptions;
  /** How invite mail is sent (default: SMTP through nodemailer). */
  mailer?: Mailer;
  /** The end of the migration: its roster (default: the migration area's) and bulk-import polling (tests). */
  migrationEnd?: { roster?: RosterReader; bulk?: Partial<BatchOptions> };
  /** The desktop shell's windows for Gatehouse servers (Electron); absent: the page opens them in a tab. */
  serverWindows?: ServerWindows;
}

export type OperatorHandlers = Pick<Handlers, `operators.${string}` & keyof Handlers>;

export interface Gatehouse {
  /** Every call goes through here with its caller (see shared/contract/caller.ts). */
  dispatcher: Dispatcher;
  /** The audit trail, for what is audited outside the dispatcher (a team server's sign-ins). */
  audit: AuditTrail;
  /** The desktop's caller right now: the OS account with the active profile's role. */
  desktopCaller(): Caller;
  events: EventBus;
  embeddedCoreUrl: string | undefined;
  close(): Promise<void>;
}

export async function startGatehouse(options: GatehouseOptions): Promise<Gatehouse> {
  mkdirSync(options.dataDir, { recursive: true });
  const now = options.now ?? Date.now;
  let embedded: RunningEmbeddedCore | undefined;
  if (options.embeddedCore ?? true) {
    embedded = await startEmbeddedCore({
      demo: true,
      ...(options.embeddedCoreInMemory ? {} : { dbFile: join(options.dataDir, "embedded-core.sqlite") }),
    });
  }
  let db: StoreDb | undefined;
  try {
    db = openStore(join(options.dataDir, "gatehouse.sqlite"));
    const events = new EventBus();
    const secrets = options.secrets ?? new FileKeySecretBox(join(options.dataDir, "secrets.key"));
    const profiles = new ProfilesService({ db, secrets, now, embeddedCoreUrl: () => embedded?.url });
    profiles.ensureFirstRun();
    const connection = new ConnectionService(profiles, events);
    const roleIndex = new RoleIndex(now);
    const roles = new RolesService(() => connection.active(), roleIndex);
    const allowLists = new AllowListsService(() => connection.active(), { now });
    const auditSinks = options.auditSinks ?? [];
    // Several server instances on one PostgreSQL share one audit chain there; otherwise it is this store's.
    const audit: AuditTrail = options.postgres ? await PostgresAuditLog.open(options.postgres, secrets, now, auditSinks) : new AuditLog(db, secrets, now, auditSinks);
    const operator = options.operator ?? osUserName();
    // Instances on one PostgreSQL share invites, the outbox, invite settings and bulk-invite marks there.
    const inviteStore = options.postgres ? new PostgresInviteStore(options.postgres) : new SqliteInviteStore(db);
    const invitesArea = createInvites({
      store: inviteStore,
      secrets,
      now,
      connection: () => connection.active(),
      rolesChanged: () => roleIndex.invalidate(),
      embeddedCoreUrl: () => embedded?.url,
      profileFor: (id) => profiles.get(id),
      ...(options.mailer ? { mailer: options.mailer } : {}),
    });
    const invites = invitesArea.handlers;
    const migrationArea = createMigration({
      db,
      secrets,
      now,
      connection: () => connection.active(),
      profileFor: (id) => profiles.get(id),
      jobs: () => jobs.runner,
      audit,
      ...(options.postgres ? { postgres: options.postgres } : {}),
    });
    // The Users list answers the filters the Core cannot from the migration area's user index.
    const users = new UsersService(() => connection.active(), roleIndex, () => migrationArea.usersIndex);
    const migrationEnd = createMigrationEnd({
      db,
      secrets,
      now,
      connection: () => connection.active(),
      profileFor: (id) => profiles.get(id),
      scopeOf: (active) => inviteScope(active, embedded?.url),
      inviteStore,
      roster: options.migrationEnd?.roster ?? migrationArea.roster,
      ...(options.migrationEnd?.bulk ? { bulk: options.migrationEnd.bulk } : {}),
      runner: () => jobs.runner,
      ...(options.mailer ? { mailer: options.mailer } : {}),
      ...(options.postgres ? { postgres: options.postgres } : {}),
    });
    const jobs = createJobs({
      db,
      // Instances on one PostgreSQL share their jobs: each claims items there with a lease (jobs/store/).
      store: options.postgres
        ? new PostgresJobStore({ pool: options.postgres, now, instanceId: instanceIdIn(options.dataDir), ...(options.jobs?.leaseMs ? { leaseMs: options.jobs.leaseMs } : {}) })
        : new SqliteJobStore(db, now),
      events,
      now,
      profiles,
      rolesChanged: () => roleIndex.invalidate(),
      kinds: [...invitesArea.jobKinds, ...migrationArea.jobKinds, ...migrationEnd.jobKinds],
      options: options.jobs ?? {},
    });
    const dispatcher = new Dispatcher({
      handlers: {
        ...handlers({ profiles, connection, users, roles, invites, allowLists, jobs: jobs.handlers, audit, permissionOf: options.permissionOf, profilesReadOnly: options.profilesReadOnly }),
        ...secondFactorHandlers({ db, secrets, now, connection: () => connection.active(), inviteStore, ...(options.postgres ? { postgres: options.postgres } : {}) }),
        ...migrationArea.handlers,
        ...migrationEnd.handlers,
        ...serverHandlers(new ServersService({ db, now, windows: options.serverWindows })),
        ...(options.operators ?? NO_OPERATORS),
      },
      profiles,
      audit,
      events,
      ...(options.permissionOf ? { permissionOf: options.permissionOf } : {}),
    });
    const store = db;
    await jobs.runner.resumeInterrupted();
    return {
      dispatcher,
      audit,
      desktopCaller: () => desktopCaller(profiles, operator),
      events,
      embeddedCoreUrl: embedded?.url,
      async close() {
        await jobs.runner.close();
        migrationEnd.close();
        store.close();
        await Promise.all(auditSinks.map((sink) => sink.close()));
        await embedded?.close();
      },
    };
  } catch (err) {
    db?.close();
    await embedded?.close();
    throw err;
  }
}

interface Services {
  profiles: ProfilesService;
  connection: ConnectionService;
  users: UsersService;
  roles: RolesService;
  invites: ReturnType<typeof createInvites>["handlers"];
  allowLists: AllowListsService;
  jobs: ReturnType<typeof createJobs>["handlers"];
  audit: AuditTrail;
  permissionOf: DispatcherDeps["permissionOf"];
  profilesReadOnly: string | undefined;
}

/** Each operation of the contract, wired to the service that does it. */
function handlers(s: Services): Omit<Handlers, `secondFactor.${string}` | `migration.${string}` | `migrationEnd.${string}` | `resetLinks.${string}` | `operators.${string}` | `servers.${string}`> {
  const activeView = () => {
    const active = s.profiles.active();
    return active ? s.profiles.view(active, active.id) : null;
  };
  const changeable = () => {
    if (s.profilesReadOnly !== undefined) throw new GatehouseError({ code: "CONFLICT", message: s.profilesReadOnly });
  };
  return {
    "session.whoami": (_i, caller) => ({
      operator: caller.operator,
      role: caller.role,
      permissions: effectivePermissions(caller.role, s.permissionOf),
      operations: allowedOperations(caller.role, s.permissionOf),
      profile: activeView(),
      mode: caller.sessionId === undefined ? "desktop" : "team",
      ...(s.profilesReadOnly !== undefined ? { profilesLocked: s.profilesReadOnly } : {}),
    }),
    "connection.status": () => s.connection.status(),
    "tenants.list": async () => {
      const { core } = s.connection.active();
      const list = await core.raw<{ tenants: { tenantId: string }[] }>("GET", "/recipe/multitenancy/tenant/list/v2");
      return { tenants: list.tenants.map((t) => ({ tenantId: t.tenantId })) };
    },
    "profiles.list": () => ({ profiles: s.profiles.list() }),
    "profiles.create": (i) => {
      changeable();
      return s.profiles.create(i);
    },
    "profiles.update": async (i) => {
      changeable();
      const view = s.profiles.update(i);
      await s.connection.announceIfActive(i.id);
      return view;
    },
    "profiles.remove": (i) => {
      changeable();
      return { removed: s.profiles.remove(i.id) };
    },
    "profiles.switch": (i) => {
      changeable();
      return s.connection.switchTo(i.id);
    },
    "profiles.test": (i) => {
      if ("id" in i) return s.connection.test(s.connection.targetFor(i.id));
      const stored = i.keyFrom !== undefined && i.apiKey === undefined ? s.connection.targetFor(i.keyFrom).apiKey : undefined;
      return s.connection.test({ uris: i.uris, apiKey: i.apiKey ?? stored, timeoutMs: i.timeoutMs });
    },
    "users.list": (i) => s.users.list(i),
    "users.export": (i) => s.users.export(i),
    "users.quickSearch": (i) => s.users.quickSearch(i),
    "users.get": (i) => s.users.get(i.userId),
    "users.updateMetadata": (i) => s.users.updateMetadata(i),
    "users.addRole": (i) => s.users.addRole(i),
    "users.removeRole": (i) => s.users.removeRole(i),
    "users.sessions": (i) => s.users.sessions(i.userId),
    "users.revokeSession": (i) => s.users.revokeSession(i),
    "users.revokeAllSessions": (i) => s.users.revokeAllSessions(i.userId),
    "users.delete": (i) => s.users.delete(i),
    "roles.list": (i) => s.roles.list(i.tenantId),
    "roles.users": (i) => s.roles.users(i),
    "roles.create": (i) => s.roles.create(i),
    "roles.setPermissions": (i) => s.roles.setPermissions(i),
    "roles.deletePreview": (i) => s.roles.deletePreview(i.role),
    "roles.delete": (i) => s.roles.delete(i.role),
    "allowlists.get": (i) => s.allowLists.get(i),
    "allowlists.preview": (i) => s.allowLists.preview(i),
    "allowlists.apply": (i) => s.allowLists.apply(i),
    "allowlists.import": (i) => s.allowLists.import(i),
    "allowlists.export": (i) => s.allowLists.export(i),
    ...s.invites,
    ...s.jobs,
    // Auditors get phones masked here too: the dispatcher's disclosure rules (main/disclosure.ts).
    "audit.list": (i) => s.audit.list(i),
    "audit.operations": async () => ({ operations: await s.audit.operations() }),
    "audit.verify": () => s.audit.verify(),
    "audit.export": (i) => s.audit.export(i, i.format),
  };
}

/**
 * This instance's id among a team server's instances, kept in its data folder so that it stays the
 * same across restarts: jobs pinned to it (instance-bound kinds) are taken up again when it is back.
 */
function instanceIdIn(dataDir: string): string {
  const file = join(dataDir, "instance-id");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const id = randomUUID();
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

/** The desktop has no operators: they are a team server's (npm run server). */
const onlyOnServer = (): never => {
  throw new GatehouseError({ code: "NOT_FOUND", message: "Operators belong to a Gatehouse team server; this desktop console has none (its operator is your OS account)." });
};
const NO_OPERATORS: OperatorHandlers = {
  "operators.list": onlyOnServer,
  "operators.invite": onlyOnServer,
  "operators.setRole": onlyOnServer,
  "operators.remove": onlyOnServer,
  "operators.resetSecondFactor": onlyOnServer,
};
