/**
 * Makes two runs of one sequence comparable: what differs by nature (the run's namespace and
 * phones, ids the Core generates, tokens, timestamps) becomes a stable placeholder named after
 * the step where it first appeared and its order there ("<id@12.1>"), so equal relations (the
 * same id again) stay visible, and one extra id on one side does not renumber every later one.
 */
import type { World } from "./world.ts";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const HAS_UUID = new RegExp(UUID.source);
const ZERO = "00000000-0000-0000-0000-000000000000";
/** Values the Core generates at random. */
const TOKEN_KEYS = new Set([
  "token",
  "preAuthSessionId",
  "deviceId",
  "userInputCode",
  "linkCode",
  "nextPaginationToken",
  "jwt",
  "accessToken",
  "refreshToken",
  "antiCsrfToken",
  "frontToken",
  // JWKS keys
  "kid",
  "n",
  "e",
]);
/** Instants: equal on two Cores only by chance. */
const TIME_KEYS = new Set(["timeJoined", "timeCreated", "createdTime", "expiry", "createdAt", "updatedAt", "lastUpdated", "t", "iat", "exp"]);

export class Normalizer {
  private readonly names = new Map<string, string>();
  private readonly subs: [string, string][];
  private step = 0;
  private inStep = 0;

  constructor(world: World) {
    // Longest first, so a phone's digits never eat into the phone itself.
    this.subs = world.substitutions().sort((a, b) => b[0].length - a[0].length);
  }

  /** Normalizes one step's outcome (steps in order). */
  outcome(v: unknown): unknown {
    this.step += 1;
    this.inStep = 0;
    return this.value(v);
  }

  private name(value: string, kind: string): string {
    let name = this.names.get(value);
    if (!name) {
      this.inStep += 1;
      name = `<${kind}@${this.step}.${this.inStep}>`;
      this.names.set(value, name);
    }
    return name;
  }

  value(v: unknown, key?: string): unknown {
    if (typeof v === "string") {
      if (key && TOKEN_KEYS.has(key) && !v.startsWith("$")) return this.token(v);
      // max-age counts down to the signing key's expiry: keep the form, not the number.
      if (key === "cacheControl") return v.replace(/\d+/g, "<n>");
      return this.text(v);
    }
    if (typeof v === "number" && key && TIME_KEYS.has(key)) return "<time>";
    if (Array.isArray(v)) return this.list(v, key);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x, k)]));
    }
    return v;
  }

  /**
   * Orders that follow random ids are noise between two Cores (their ids differ): a list of ids
   * (users of a role, session handles) is sorted after naming, and users that joined in the same
   * millisecond are put in the order of their names. Single mode checks the Core's order itself.
   */
  private list(items: unknown[], key?: string): unknown[] {
    const out = items.map((x) => this.value(x, key));
    if (items.length > 1 && items.every((x) => typeof x === "string") && items.some((x) => HAS_UUID.test(x as string))) return (out as string[]).sort();
    const joined = items.map((x) => (x !== null && typeof x === "object" ? (x as { timeJoined?: unknown }).timeJoined : undefined));
    if (!joined.every((t) => typeof t === "number")) return out;
    const order = out.map((x, i) => ({ x, t: joined[i] as number, name: JSON.stringify((x as { id?: unknown }).id) }));
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j < order.length && order[j]?.t === order[i]?.t) j++;
      const tied = order.slice(i, j).sort((a, b) => a.name.localeCompare(b.name));
      order.splice(i, tied.length, ...tied);
      i = j;
    }
    return order.map((o) => o.x);
  }

  private token(v: string): string {
    return this.name(v, "token");
  }

  private text(s: string): string {
    let out = s.replace(UUID, (id) => (id === ZERO ? id : this.name(id, "id")));
    for (const [from, to] of this.subs) out = out.replaceAll(from, to);
    return out;
  }
}
