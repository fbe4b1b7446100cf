/**
 * The data the page shows: `count` users shaped like the users list's rows (userRow in
 * shared/contract/schemas.ts) and spread like a real tenant's (bench/console/seed-console.ts):
 * email-password and Passwordless users, some mapped to legacy ids, 2% with roles, temporary
 * passwords, enrolled and broken second factors. And a Transport that answers the renderer's
 * start-up calls and users.list from them, so the real app shell and users page mount on top.
 */
import { allowedOperations } from "../../../shared/contract/allowances.ts";
import type { EventHandler, Transport } from "../../../shared/contract/client.ts";
import type { Envelope } from "../../../shared/contract/errors.ts";
import type { OperationName, OutputOf } from "../../../shared/contract/index.ts";
import { ROLE_PERMISSIONS } from "../../../shared/contract/permissions.ts";
import type { UserRow } from "../../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../shared/data-contract.ts";

const NAMES = ["ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "radia", "guido", "frances", "edsger"];
const SURNAMES = ["lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov", "thompson", "perlman", "dijkstra"];
const DOMAINS = ["example.com", "acme.test", "globex.test", "initech.test"];

/** mulberry32, seeded: the same rows in every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticUsers(count: number, seed = 42): UserRow[] {
  const next = random(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  };
  const newest = Date.UTC(2025, 5, 1);
  const rows: UserRow[] = [];
  for (let i = 0; i < count; i++) {
    const kind = next();
    const byPhone = kind >= 0.85;
    const recipe = kind < 0.5 ? "emailpassword" : "passwordless";
    const stId = uuid();
    const mapped = recipe === "emailpassword" && next() < 0.003;
    const linked = !byPhone && next() < 0.12;
    const roll = next();
    rows.push({
      id: mapped ? `legacy-${String(i).padStart(6, "0")}` : stId,
      ...(mapped ? { superTokensUserId: stId } : {}),
      emails: byPhone ? [] : [`${pick(NAMES)}.${pick(SURNAMES)}${i}@${pick(DOMAINS)}`],
      phoneNumbers: byPhone ? [`+4420${String(i).padStart(8, "0")}`] : [],
      loginMethods: [recipe],
      tenantIds: ["public"],
      timeJoined: newest - i * 60_000,
      emailVerified: !byPhone && next() < 0.6,
      roles: next() < 0.02 ? (next() < 0.1 ? ["auditor", "support"] : [pick(["admin", "support", "auditor"])]) : [],
      temporaryPassword: recipe === "emailpassword" && next() < 0.04,
      secondFactor: !linked
        ? { state: "none" }
        : roll < 0.01
          ? { state: "broken", passwordlessUserId: uuid(), reason: "missing-user" }
          : { state: "enrolled", passwordlessUserId: uuid(), phoneNumber: `+447700${String(900000 + (i % 100000)).padStart(6, "0")}` },
    });
  }
  return rows;
}

type Answers = { [N in OperationName]?: () => OutputOf<N> };

/** Answers the calls the app makes to show the users page; anything else fails like an unknown operation. */
export function benchTransport(rows: UserRow[]): Transport {
  const profile = {
    id: "bench",
    name: "Scroll bench",
    uris: ["http://127.0.0.1:3567"],
    hasApiKey: false,
    role: "admin" as const,
    defaultTenant: "public",
    timeoutMs: 10_000,
    contract: { ...DEFAULT_DATA_CONTRACT },
    embedded: true,
    active: true,
  };
  const answers: Answers = {
    "session.whoami": () => ({ operator: "bench", role: "admin", permissions: [...ROLE_PERMISSIONS.admin], operations: allowedOperations("admin"), profile, mode: "desktop" }),
    "connection.status": () => ({ profileId: profile.id, state: "connected", cdiVersion: "5.4", message: null }),
    "tenants.list": () => ({ tenants: [{ tenantId: "public" }] }),
    // The whole data set as one page: the table under test is the one that shows a page.
    "users.list": () => ({ rows, nextPaginationToken: null }),
  };
  return {
    async invoke(op: string, _input: unknown): Promise<Envelope<unknown>> {
      const answer = answers[op as OperationName];
      if (!answer) return { ok: false, error: { code: "NOT_FOUND", message: `The scroll bench does not answer "${op}".` } };
      return { ok: true, value: answer() };
    },
    subscribe(_handler: EventHandler) {
      return () => {};
    },
  };
}
