/**
 * Connection profiles: which Core(s) to talk to, with which API key (sealed at rest, never sent
 * to the renderer), as which operator role, and the data-contract keys. On first run there is
 * one profile, "Local demo", on the embedded local core. A team server may set its profiles in its
 * config file instead (applyConfigured), with ids of its own so that every instance agrees.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "../../shared/data-contract.ts";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import type { ProfileView } from "../../shared/contract/schemas.ts";
import type { profileOps } from "../../shared/contract/operations/profiles.ts";
import type { CoreTarget } from "../core/call-context.ts";
import type { SecretBox } from "../secrets/secret-box.ts";
import type { StoreDb } from "../store/database.ts";

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface ProfileRecord {
  id: string;
  name: string;
  uris: string[];
  apiKeySealed: string | null;
  role: OperatorRole;
  defaultTenant: string;
  timeoutMs: number;
  contract: DataContract;
  embedded: boolean;
}

interface ProfileRow {
  id: string;
  name: string;
  uris: string;
  api_key_sealed: string | null;
  role: OperatorRole;
  default_tenant: string;
  timeout_ms: number;
  contract: string;
  embedded: number;
}

/** A profile a team server's config sets: its id is the config's, its key read from a file. */
export interface ConfiguredProfileInput {
  id: string;
  name: string;
  uris: string[];
  apiKey: string | undefined;
  defaultTenant: string;
  timeoutMs: number;
  contract: DataContract;
}

type CreateInput = z.output<(typeof profileOps)["profiles.create"]["input"]>;
type UpdateInput = z.output<(typeof profileOps)["profiles.update"]["input"]>;

export interface ProfilesDeps {
  db: StoreDb;
  secrets: SecretBox;
  now: () => number;
  /** The embedded local core's URL, when this process runs one (the "Local demo" profile uses it). */
  embeddedCoreUrl: () => string | undefined;
}

export class ProfilesService {
  constructor(private readonly deps: ProfilesDeps) {}

  /** Creates the "Local demo" profile on first run and makes it active. */
  ensureFirstRun(): void {
    const { n } = this.deps.db.prepare("SELECT COUNT(*) AS n FROM profiles").get() as { n: number };
    if (n > 0) return;
    const id = randomUUID();
    this.insert({
      id,
      name: "Local demo",
      uris: [],
      apiKeySealed: null,
      role: "admin",
      defaultTenant: "public",
      timeoutMs: DEFAULT_TIMEOUT_MS,
      contract: { ...DEFAULT_DATA_CONTRACT },
      embedded: true,
    });
    this.setActiveId(id);
  }

  /**
   * Writes a team server's configured profiles with their own ids (created, or updated in place so
   * that jobs planned for them still find them), the API key sealed anew, and makes `active` the
   * active one. The role is admin: on a server the signed-in operator's role counts, not the
   * profile's. `exclusive` (several instances on PostgreSQL, where the config is the whole list)
   * removes every other profile, the Local demo included, so that all instances hold the same ones.
   * Another profile with a configured profile's name is a CONFLICT naming both.
   */
  applyConfigured(profiles: readonly ConfiguredProfileInput[], options: { active: string | undefined; exclusive: boolean }): void {
    const { db } = this.deps;
    const ids = new Set(profiles.map((p) => p.id));
    db.transaction(() => {
      if (options.exclusive) {
        for (const { id } of db.prepare("SELECT id FROM profiles").all() as { id: string }[]) if (!ids.has(id)) this.remove(id);
      }
      for (const p of profiles) {
        const clash = db.prepare("SELECT id FROM profiles WHERE name = ? AND id <> ?").get(p.name, p.id) as { id: string } | undefined;
        if (clash) {
          throw new GatehouseError({ code: "CONFLICT", message: `The configured profile "${p.id}" is named "${p.name}", as is the saved profile ${clash.id}: rename one of them.` });
        }
        const record: ProfileRecord = {
          id: p.id,
          name: p.name,
          uris: p.uris,
          apiKeySealed: p.apiKey === undefined ? null : this.deps.secrets.seal(p.apiKey),
          role: "admin",
          defaultTenant: p.defaultTenant,
          timeoutMs: p.timeoutMs,
          contract: p.contract,
          embedded: false,
        };
        const now = this.deps.now();
        db.prepare(
          `INSERT INTO profiles (id, name, uris, api_key_sealed, role, default_tenant, timeout_ms, contract, embedded, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, uris = excluded.uris, api_key_sealed = excluded.api_key_sealed, role = excluded.role,
             default_tenant = excluded.default_tenant, timeout_ms = excluded.timeout_ms, contract = excluded.contract, embedded = 0, updated_at = excluded.updated_at`,
        ).run(record.id, record.name, JSON.stringify(record.uris), record.apiKeySealed, record.role, record.defaultTenant, record.timeoutMs, JSON.stringify(record.contract), now, now);
      }
      if (options.active !== undefined) this.setActiveId(this.get(options.active).id);
    })();
  }

  list(): ProfileView[] {
    const rows = this.deps.db.prepare("SELECT * FROM profiles ORDER BY embedded DESC, name").all() as ProfileRow[];
    const active = this.activeId();
    return rows.map((r) => this.view(fromRow(r), active));
  }

  get(id: string): ProfileRecord {
    const row = this.deps.db.prepare("SELECT * FROM profiles WHERE id = ?").get(id) as ProfileRow | undefined;
    if (!row) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no connection profile ${id}.` });
    return fromRow(row);
  }

  active(): ProfileRecord | undefined {
    const id = this.activeId();
    if (!id) return undefined;
    const row = this.deps.db.prepare("SELECT * FROM profiles WHERE id = ?").get(id) as ProfileRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  create(input: CreateInput): ProfileView {
    this.checkNameFree(input.name);
    const record: ProfileRecord = {
      id: randomUUID(),
      name: input.name,
      uris: input.uris,
      apiKeySealed: input.apiKey ? this.deps.secrets.seal(input.apiKey) : null,
      role: input.role,
      defaultTenant: input.defaultTenant,
      timeoutMs: input.timeoutMs,
      contract: input.contract,
      embedded: false,
    };
    this.insert(record);
    if (!this.activeId()) this.setActiveId(record.id);
    return this.view(record, this.activeId());
  }

  update(input: UpdateInput): ProfileView {
    const current = this.get(input.id);
    if (input.name !== undefined && input.name !== current.name) this.checkNameFree(input.name);
    if (current.embedded && input.uris !== undefined) {
      throw new GatehouseError({ code: "VALIDATION", field: "uris", message: "The Local demo profile always uses the embedded core; its URI cannot be changed." });
    }
    const next: ProfileRecord = {
      ...current,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.uris !== undefined ? { uris: input.uris } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.defaultTenant !== undefined ? { defaultTenant: input.defaultTenant } : {}),
      ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
      ...(input.contract !== undefined ? { contract: input.contract } : {}),
    };
    if (input.apiKey === null) next.apiKeySealed = null;
    else if (input.apiKey !== undefined) next.apiKeySealed = this.deps.secrets.seal(input.apiKey);
    this.deps.db
      .prepare(
        "UPDATE profiles SET name = ?, uris = ?, api_key_sealed = ?, role = ?, default_tenant = ?, timeout_ms = ?, contract = ?, updated_at = ? WHERE id = ?",
      )
      .run(next.name, JSON.stringify(next.uris), next.apiKeySealed, next.role, next.defaultTenant, next.timeoutMs, JSON.stringify(next.contract), this.deps.now(), next.id);
    return this.view(next, this.activeId());
  }

  remove(id: string): boolean {
    const removed = this.deps.db.prepare("DELETE FROM profiles WHERE id = ?").run(id).changes > 0;
    if (removed && this.activeId() === id) this.deps.db.prepare("DELETE FROM settings WHERE key = 'active_profile'").run();
    return removed;
  }

  switchTo(id: string): ProfileView {
    const record = this.get(id);
    this.setActiveId(id);
    return this.view(record, id);
  }

  /** Where a profile's Core calls go, with its API key opened. */
  target(record: ProfileRecord): CoreTarget {
    const uris = record.embedded ? [this.deps.embeddedCoreUrl()].filter((u): u is string => u !== undefined) : record.uris;
    if (uris.length === 0) {
      throw new GatehouseError({ code: "CORE_UNREACHABLE", message: "The embedded local core is not running in this process, so the Local demo profile has nowhere to connect." });
    }
    return { uris, apiKey: record.apiKeySealed ? this.deps.secrets.open(record.apiKeySealed) : undefined, timeoutMs: record.timeoutMs };
  }

  view(record: ProfileRecord, activeId: string | undefined): ProfileView {
    const uris = record.embedded ? [this.deps.embeddedCoreUrl() ?? "embedded local core"] : record.uris;
    return {
      id: record.id,
      name: record.name,
      uris,
      hasApiKey: record.apiKeySealed !== null,
      role: record.role,
      defaultTenant: record.defaultTenant,
      timeoutMs: record.timeoutMs,
      contract: record.contract,
      embedded: record.embedded,
      active: record.id === activeId,
    };
  }

  activeId(): string | undefined {
    const row = this.deps.db.prepare("SELECT value FROM settings WHERE key = 'active_profile'").get() as { value: string } | undefined;
    return row?.value;
  }

  private setActiveId(id: string): void {
    this.deps.db.prepare("INSERT INTO settings (key, value) VALUES ('active_profile', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(id);
  }

  private checkNameFree(name: string): void {
    if (this.deps.db.prepare("SELECT 1 FROM profiles WHERE name = ?").get(name)) {
      throw new GatehouseError({ code: "CONFLICT", message: `A profile named "${name}" exists already; pick another name.` });
    }
  }

  private insert(r: ProfileRecord): void {
    const now = this.deps.now();
    this.deps.db
      .prepare(
        "INSERT INTO profiles (id, name, uris, api_key_sealed, role, default_tenant, timeout_ms, contract, embedded, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(r.id, r.name, JSON.stringify(r.uris), r.apiKeySealed, r.role, r.defaultTenant, r.timeoutMs, JSON.stringify(r.contract), r.embedded ? 1 : 0, now, now);
  }
}

function fromRow(r: ProfileRow): ProfileRecord {
  return {
    id: r.id,
    name: r.name,
    uris: JSON.parse(r.uris) as string[],
    apiKeySealed: r.api_key_sealed,
    role: r.role,
    defaultTenant: r.default_tenant,
    timeoutMs: r.timeout_ms,
    contract: { ...DEFAULT_DATA_CONTRACT, ...(JSON.parse(r.contract) as Partial<DataContract>) },
    embedded: r.embedded === 1,
  };
}
