/**
 * Makes two runs of one sequence comparable: what differs by nature (the run's namespace and
 * phones, ids the Core generates, tokens, timestamps) becomes a stable placeholder, numbered by
 * order of first appearance in that run, so equal relations (the same id again) stay visible.
 */
import type { World } from "./world.ts";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
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
]);
/** Instants: equal on two Cores only by chance. */
const TIME_KEYS = new Set(["timeJoined", "timeCreated", "expiry", "createdAt", "updatedAt", "lastUpdated"]);

export class Normalizer {
  private readonly ids = new Map<string, string>();
  private readonly tokens = new Map<string, string>();
  private readonly subs: [string, string][];

  constructor(world: World) {
    // Longest first, so a phone's digits never eat into the phone itself.
    this.subs = world.substitutions().sort((a, b) => b[0].length - a[0].length);
  }

  value(v: unknown, key?: string): unknown {
    if (typeof v === "string") {
      if (key && TOKEN_KEYS.has(key) && !v.startsWith("$")) return this.token(v);
      return this.text(v);
    }
    if (typeof v === "number" && key && TIME_KEYS.has(key)) return "<time>";
    if (Array.isArray(v)) return v.map((x) => this.value(x, key));
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x, k)]));
    }
    return v;
  }

  private token(v: string): string {
    let name = this.tokens.get(v);
    if (!name) {
      name = `<token${this.tokens.size + 1}>`;
      this.tokens.set(v, name);
    }
    return name;
  }

  private text(s: string): string {
    let out = s.replace(UUID, (id) => {
      if (id === ZERO) return id;
      let name = this.ids.get(id);
      if (!name) {
        name = `<id${this.ids.size + 1}>`;
        this.ids.set(id, name);
      }
      return name;
    });
    for (const [from, to] of this.subs) out = out.replaceAll(from, to);
    return out;
  }
}
