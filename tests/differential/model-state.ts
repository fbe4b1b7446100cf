/**
 * What the model of the Core's rules knows after each step of a run: users, tenants, metadata,
 * roles, sessions, Passwordless devices, tokens. It starts from "this run's namespace holds
 * nothing" and follows each step's answer. When a step has arguments whose effect the model
 * does not know (a blank tenant, a value of the wrong type that the Core took anyway), the
 * affected area becomes uncertain and its checks stop for the rest of the run: the model must
 * never claim a rule it cannot stand behind.
 */

export type Recipe = "emailpassword" | "passwordless";

export interface UserRec {
  st: string;
  ext: string | undefined;
  extInfo: string | undefined;
  recipe: Recipe;
  email: string | undefined;
  phone: string | undefined;
  password: string | undefined;
  tenants: Set<string>;
  timeJoined: number;
  deleted: boolean;
}

export type Life = "live" | "dead" | "unknown";

export interface Device {
  tenant: string;
  email: string | undefined;
  phone: string | undefined;
  attempts: number;
  life: Life;
  codeIds: Set<string>;
}

export interface SessionRec {
  handle: string;
  userId: string;
  tenant: string;
  life: Life;
}

export interface ResetToken {
  userSt: string;
  email: string;
  life: Life;
}

export interface EvToken {
  userId: string;
  email: string;
  tenant: string;
  life: Life;
}

export type Area = "users" | "tenants" | "metadata" | "roles" | "sessions" | "codes" | "verification";

export class ModelState {
  readonly users: UserRec[] = [];
  readonly tenants = new Set<string>();
  /** Tenants whose Passwordless attempt limit was configured (the model does not follow that). */
  readonly customAttemptLimit = new Set<string>();
  /** userId → metadata row (absent: no row). Keys in the Core's order. */
  readonly metadata = new Map<string, Record<string, unknown>>();
  readonly roles = new Map<string, Set<string>>();
  /** `${tenant}\n${userId}` → roles */
  readonly userRoles = new Map<string, Set<string>>();
  readonly devices = new Map<string, Device>();
  readonly sessions = new Map<string, SessionRec>();
  readonly resetTokens = new Map<string, ResetToken>();
  readonly evTokens = new Map<string, EvToken>();
  /** `${userId}\n${email}` → verified */
  readonly verified = new Map<string, boolean>();
  readonly uncertain = new Set<Area>();

  constructor(readonly ns: string) {}

  /** True for an id the run owns (so the Core holds only what this run did with it). */
  owned(id: unknown): id is string {
    return typeof id === "string" && (id.includes(this.ns) || this.users.some((u) => u.st === id));
  }

  /** A tenant as the Core reads it (trimmed, lower case), when the model can follow it. */
  tenant(t: unknown): string | undefined {
    if (typeof t !== "string") return undefined;
    const id = t.trim().toLowerCase();
    return id === "public" || id.includes(this.ns) ? id : undefined;
  }

  tenantExists(t: string): boolean {
    return t === "public" || this.tenants.has(t);
  }

  live(): UserRec[] {
    return this.users.filter((u) => !u.deleted);
  }

  /** A live user by SuperTokens id or external id (getUser takes either). */
  find(id: unknown): UserRec | undefined {
    return this.live().find((u) => u.st === id || u.ext === id);
  }

  /** A live user by the id the SDK treats as its recipe user id (the public id). */
  byPublicId(id: unknown): UserRec | undefined {
    return this.live().find((u) => publicId(u) === id);
  }

  rolesOf(tenant: string, userId: string): Set<string> {
    const key = `${tenant}\n${userId}`;
    let set = this.userRoles.get(key);
    if (!set) {
      set = new Set();
      this.userRoles.set(key, set);
    }
    return set;
  }

  /**
   * Does the Core hold data for this id that is not a login method (disassociation answers OK
   * for it)? Undefined when the model is not sure (a session or token in an unknown state).
   */
  hasNonAuthData(id: string): boolean | undefined {
    for (const [key, roles] of this.userRoles) if (key.endsWith(`\n${id}`) && roles.size > 0) return true;
    for (const [key, verified] of this.verified) if (verified && key.startsWith(`${id}\n`)) return true;
    if (this.metadata.has(id)) return true;
    const lives = [...this.sessions.values(), ...this.evTokens.values()].filter((x) => x.userId === id).map((x) => x.life);
    if (lives.includes("live")) return true;
    return lives.includes("unknown") ? undefined : false;
  }

  /** Stops following the verified emails and verification tokens of these ids. */
  forgetVerification(...ids: string[]): void {
    for (const key of [...this.verified.keys()]) if (ids.some((id) => key.startsWith(`${id}\n`))) this.verified.delete(key);
    for (const t of this.evTokens.values()) if (ids.includes(t.userId)) t.life = "unknown";
  }

  /** Forgets everything the Core held for a user that was deleted (under its public id). */
  forget(u: UserRec): void {
    const id = publicId(u);
    u.deleted = true;
    this.metadata.delete(id);
    for (const [key, roles] of this.userRoles) if (key.endsWith(`\n${id}`)) roles.clear();
    for (const s of this.sessions.values()) if (s.userId === id) s.life = "dead";
    for (const t of this.resetTokens.values()) if (t.userSt === u.st) t.life = "dead";
    for (const t of this.evTokens.values()) if (t.userId === id) t.life = "dead";
    for (const key of [...this.verified.keys()]) if (key.startsWith(`${id}\n`)) this.verified.delete(key);
    for (const d of this.devices.values()) {
      if ((u.email && d.email === u.email) || (u.phone && d.phone === u.phone)) d.life = "unknown";
    }
  }
}

export function publicId(u: UserRec): string {
  return u.ext ?? u.st;
}

/** The Core's email normalization: trimmed, lower case. */
export function normEmail(e: unknown): string | undefined {
  return typeof e === "string" ? e.trim().toLowerCase() : undefined;
}

/** E.164 for the forms the generator writes (the Core parses with libphonenumber; others: unknown). */
export function normPhone(p: unknown): string | undefined {
  if (typeof p !== "string") return undefined;
  if (/^\+4477\d{8}$/.test(p)) return p;
  const m = /^\+44 (77\d{2}) (\d{6})$/.exec(p);
  return m ? `+44${m[1]}${m[2]}` : undefined;
}

/** Deep equality that also compares the order of object keys (the Core's metadata order is a rule). */
export function sameOrdered(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function sameSet(a: Iterable<unknown>, b: Iterable<unknown>): boolean {
  const x = [...a].map(String).sort();
  const y = [...b].map(String).sort();
  return JSON.stringify(x) === JSON.stringify(y);
}

export function isSorted(list: string[]): boolean {
  return list.every((v, i) => i === 0 || (list[i - 1] as string) <= v);
}

/** The Core's metadata update: a top-level shallow merge; null deletes a key; an updated key moves to the end. */
export function mergeMetadata(current: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const out = { ...current };
  for (const [k, v] of Object.entries(update)) {
    delete out[k];
    if (v !== null) out[k] = v;
  }
  return out;
}
