/**
 * The state of one run of a sequence on one Core: its namespace (so runs never collide on a
 * shared real Core, which cannot be reset), the pool of values the operations draw from, and
 * what earlier steps created (users, codes, sessions, tokens) for later steps to refer to.
 *
 * Operations hold symbols, not values, so the same sequence runs on two Cores (whose ids
 * differ) and a shrunk sequence still means something:
 * - "$T1"  a tenant of this run ("t1-<ns>"); "$T1^" the same in upper case; "$NOPE" a tenant
 *          that never exists
 * - "$E2"  an email of this run; "$E2^" the same shouted with spaces around it
 * - "$P1"  a phone number (E.164) of this run; "$P1~" the same as "+44 77xx xxxxxx"
 * - "$U3"  the SuperTokens id of the (3 mod n)-th user this run created ("<ns>-nobody" before
 *          the first); "$U3*" its current public id (the external id once mapped)
 * - "$X0"  an external id; "$S0" a synthetic id (metadata, roles and sessions take any string)
 * - "$R2"  a role; "$C1" a Passwordless code; "$SS0" a session; "$RT0" a password-reset token;
 *          "$EV0" an email-verification token (each the (k mod n)-th created)
 * A literal string may contain "{ns}", replaced by the run's namespace.
 */
import { Rng } from "./prng.ts";

export const ZERO_UUID = "00000000-0000-0000-0000-000000000000";

export interface CodeRef {
  tenant: string;
  preAuthSessionId: string;
  deviceId: string;
  userInputCode: string;
  linkCode: string;
  codeId: string;
}

export interface SessionRef {
  handle: string;
  accessToken: string;
  refreshToken: string;
  /** The refresh token before the last refresh (reusing it is token theft). */
  previousRefreshToken: string | undefined;
}

export interface TokenRef {
  token: string;
}

export type Counts = Record<"U" | "C" | "SS" | "RT" | "EV", number>;

/** An argument with "$U7" written as the user it resolved to then ("$U1" when the run had 2 users). */
export function canonicalArgs(value: unknown, counts: Counts): unknown {
  if (typeof value === "string") {
    const m = /^\$(U|C|SS|RT|EV)(\d+)(\*?)$/.exec(value);
    const n = m ? counts[m[1] as keyof Counts] : 0;
    return m && n > 0 ? `$${m[1]}${Number(m[2]) % n}${m[3]}` : value;
  }
  if (Array.isArray(value)) return value.map((v) => canonicalArgs(v, counts));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonicalArgs(v, counts)]));
  return value;
}

/**
 * Four UK mobile numbers (E.164, +4477 and 8 digits) for a run. Phones cannot carry the
 * namespace as text, so they come from it: the process's run id picks 4 digits, the run's
 * counter the other 4, so two runs of one process never share a number (a shared number
 * would show one run's devices in another's).
 */
export function phonesFor(ns: string): string[] {
  const m = /^d([a-z0-9]{5})(\d+)x$/.exec(ns);
  let h = 0;
  for (const c of m?.[1] ?? ns) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  const slot = m ? Number(m[2]) * 4 : new Rng(h).int(10_000);
  return [0, 1, 2, 3].map((i) => `+4477${String(h % 10_000).padStart(4, "0")}${String((slot + i) % 10_000).padStart(4, "0")}`);
}

export interface CoreAddress {
  url: string;
  apiKey?: string | undefined;
}

export class World {
  readonly ns: string;
  readonly core: CoreAddress;
  readonly phones: string[];
  readonly users: string[] = [];
  /** SuperTokens id → external id, for mappings this run created and did not delete. */
  readonly mappings = new Map<string, string>();
  readonly codes: CodeRef[] = [];
  readonly sessions: SessionRef[] = [];
  readonly resetTokens: TokenRef[] = [];
  readonly evTokens: TokenRef[] = [];

  /**
   * @param ns lower-case [a-z0-9], unique per run on a shared Core
   */
  constructor(ns: string, core: CoreAddress) {
    this.ns = ns;
    this.core = core;
    this.phones = phonesFor(ns);
  }

  tenant(n: 1 | 2): string {
    return `t${n}-${this.ns}`;
  }

  email(n: number): string {
    return `${this.ns}-e${n}@example.com`;
  }

  /** Resolves every symbol in a value (deeply). */
  resolve(value: unknown): unknown {
    if (typeof value === "string") return this.resolveString(value);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
    }
    return value;
  }

  private resolveString(s: string): unknown {
    if (!s.startsWith("$")) return s.replaceAll("{ns}", this.ns);
    const m = /^\$([A-Z]+)(\d*)([\^~*]?)$/.exec(s);
    if (!m) throw new Error(`unknown symbol ${s}`);
    const [, kind, digits, mod] = m as unknown as [string, string, string, string];
    const n = Number(digits || 0);
    switch (kind) {
      case "T": {
        const t = this.tenant(n === 2 ? 2 : 1);
        return mod === "^" ? t.toUpperCase() : t;
      }
      case "NOPE":
        return `nope-${this.ns}`;
      case "E": {
        const e = this.email(n);
        return mod === "^" ? ` ${e.toUpperCase()} ` : e;
      }
      case "EU":
        return `${this.ns}-ü@exämple.com`;
      case "P": {
        const p = this.phones[n % this.phones.length] as string;
        return mod === "~" ? `+44 ${p.slice(3, 7)} ${p.slice(7)}` : p;
      }
      case "U": {
        // Before the run created a user: an id of its own (data under a shared id would differ by history).
        const id = this.nth(this.users, n) ?? `${this.ns}-nobody`;
        return mod === "*" ? (this.mappings.get(id) ?? id) : id;
      }
      case "X":
        return `${this.ns}-x${n}`;
      case "S":
        return `${this.ns}-s${n}`;
      case "R":
        return `${this.ns}-r${n}`;
      case "C":
        return this.nth(this.codes, n);
      case "SS":
        return this.nth(this.sessions, n);
      case "RT":
        return this.nth(this.resetTokens, n)?.token ?? "no-such-token";
      case "EV":
        return this.nth(this.evTokens, n)?.token ?? "no-such-token";
      default:
        throw new Error(`unknown symbol ${s}`);
    }
  }

  private nth<T>(list: T[], n: number): T | undefined {
    return list.length === 0 ? undefined : list[n % list.length];
  }

  /** How many of each referable thing the run has made so far (to print "$U7" as the user it means). */
  counts(): Counts {
    return { U: this.users.length, C: this.codes.length, SS: this.sessions.length, RT: this.resetTokens.length, EV: this.evTokens.length };
  }

  /** Records a user created by a step (a new SuperTokens id), once. */
  addUser(id: string): void {
    if (!this.users.includes(id)) this.users.push(id);
  }

  /** Values that differ between two runs of the same sequence, with the names they print as. */
  substitutions(): [string, string][] {
    return [
      [this.ns, "{ns}"],
      [this.ns.toUpperCase(), "{NS}"],
      ...this.phones.map((p, i): [string, string] => [p, `{P${i}}`]),
      ...this.phones.map((p, i): [string, string] => [p.slice(1), `{P${i}-digits}`]),
    ];
  }
}
