/**
 * For the end-of-migration tests: a roster over an array (an input the migration area's SQLite
 * store will provide; allowed as a stand-in since it is not a Core), generated legacy users, and
 * what really is on a Core for them, read over its own HTTP API (CDI) with nothing of Gatehouse.
 */
import { expect } from "vitest";
import type { RosterEntry, RosterReader } from "../../../../main/migration/roster/types.ts";
import { parseCsv } from "../../helpers/csv.ts";

/** A roster: every entry "not-migrated" unless listed in `conflicts` (legacy id → reason). */
export function arrayRoster(entries: readonly RosterEntry[], conflicts: Record<string, string> = {}): RosterReader & { entries: RosterEntry[] } {
  const sorted = [...entries].sort((a, b) => (a.legacyId < b.legacyId ? -1 : a.legacyId > b.legacyId ? 1 : 0));
  const page = <T>(list: T[], id: (t: T) => string, p: { afterLegacyId?: string; limit: number }) => list.filter((t) => p.afterLegacyId === undefined || id(t) > p.afterLegacyId).slice(0, p.limit);
  return {
    entries: sorted,
    notYetMigrated: async (_profile, p) => page(sorted.filter((e) => conflicts[e.legacyId] === undefined), (e) => e.legacyId, p),
    conflicts: async (_profile, p) =>
      page(
        sorted.filter((e) => conflicts[e.legacyId] !== undefined).map((entry) => ({ entry, reason: conflicts[entry.legacyId] ?? "" })),
        (c) => c.entry.legacyId,
        p,
      ),
    get: async (_profile, legacyId) => sorted.find((e) => e.legacyId === legacyId) ?? null,
    unclassified: async () => 0,
  };
}

/** `count` legacy users `<prefix>-0000…`, every third unverified, with a name to import. */
export function legacyUsers(prefix: string, count: number, extra: (i: number) => Partial<RosterEntry> = () => ({})): RosterEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(4, "0");
    return {
      legacyId: `${prefix}-${n}`,
      email: `${prefix}.${n}@legacy.example.com`,
      emailVerified: i % 3 !== 2,
      createdAt: Date.UTC(2019, 0, 1) + i * 86_400_000,
      data: { name: `Legacy ${n}`, plan: i % 2 ? "pro" : "free" },
      tenantId: "public",
      ...extra(i),
    };
  });
}

const HEADERS = { "cdi-version": "5.4", "content-type": "application/json; charset=utf-8" };

export async function cdi<T>(coreUrl: string, method: "GET" | "POST", path: string, query: Record<string, string> = {}, body?: unknown): Promise<T> {
  const qs = new URLSearchParams(query).toString();
  const response = await fetch(`${coreUrl.replace(/\/+$/, "")}${path}${qs ? `?${qs}` : ""}`, { method, headers: HEADERS, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

interface CdiUser {
  id: string;
  loginMethods: { recipeId: string; recipeUserId: string; email?: string; tenantIds: string[]; verified: boolean }[];
}

/** Everything the Core holds for a legacy user: their accounts by email, the mapping, metadata, verification. */
export async function onCore(coreUrl: string, entry: Pick<RosterEntry, "legacyId" | "email" | "tenantId">) {
  const tenant = entry.tenantId;
  const [byEmail, mapping] = await Promise.all([
    cdi<{ users: CdiUser[] }>(coreUrl, "GET", `/${tenant}/users/by-accountinfo`, { email: entry.email, doUnionOfAccountInfo: "false" }),
    cdi<{ status: string; superTokensUserId?: string; externalUserId?: string }>(coreUrl, "GET", "/recipe/userid/map", { userId: entry.legacyId, userIdType: "EXTERNAL" }),
  ]);
  const metadata = (await cdi<{ metadata: Record<string, unknown> }>(coreUrl, "GET", "/recipe/user/metadata", { userId: entry.legacyId })).metadata;
  const verified = await cdi<{ status: string; isVerified: boolean }>(coreUrl, "GET", `/${tenant}/recipe/user/email/verify`, { userId: entry.legacyId, email: entry.email });
  return { users: byEmail.users, mapping, metadata, verified: verified.isVerified };
}

/**
 * The user was migrated exactly once, as the end of the migration makes them: one account with
 * the email, mapped to the legacy id, the roster's data and a "bulk" migration record in its
 * metadata, the temporary-password flag (or none when the roster had the hash), verification as
 * in the roster.
 */
export async function expectMigratedOnce(coreUrl: string, entry: RosterEntry, provider: string): Promise<void> {
  const found = await onCore(coreUrl, entry);
  expect(found.users.length, `${entry.email}: one account`).toBe(1);
  expect(found.users[0]?.id, `${entry.email}: the Core reports the legacy id`).toBe(entry.legacyId);
  expect(found.mapping.status, `${entry.legacyId}: mapped`).toBe("OK");
  expect(found.mapping.superTokensUserId, entry.legacyId).toMatch(/^[0-9a-f-]{36}$/);
  expect(found.users[0]?.loginMethods.map((m) => [m.recipeId, m.recipeUserId, m.email])).toEqual([["emailpassword", entry.legacyId, entry.email]]);
  expect(found.metadata, entry.legacyId).toMatchObject({ ...(entry.data ?? {}), gatehouseMigration: { legacyId: entry.legacyId, provider, via: "bulk", migratedAt: expect.any(Number) } });
  if (entry.passwordHash) expect(found.metadata.isUsingTemporaryPassword, entry.legacyId).toBeUndefined();
  else expect(found.metadata.isUsingTemporaryPassword, entry.legacyId).toBe(true);
  expect(found.verified, `${entry.legacyId}: email verified as in the roster`).toBe(entry.emailVerified);
}

/** The rows of a result CSV as objects by column name. */
export function resultRows(csv: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(csv);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

/** Whether the Core takes a reset link's token (consumed: use only once, in tests that end there). */
export async function resetTokenWorks(coreUrl: string, link: string, email: string): Promise<boolean> {
  const url = new URL(link);
  const token = url.searchParams.get("token") ?? "";
  const tenant = url.searchParams.get("tenantId") ?? "public";
  const answer = await cdi<{ status: string; email?: string }>(coreUrl, "POST", `/${tenant}/recipe/user/password/reset/token/consume`, {}, { token });
  return answer.status === "OK" && answer.email === email;
}
