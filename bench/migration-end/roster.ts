/** The bench's legacy roster: `count` users, about two in three with a verified email, each with profile data to import. */
import type { RosterEntry, RosterReader } from "../../main/migration/roster/types.ts";

export function benchRoster(count: number): RosterEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(6, "0");
    return {
      legacyId: `legacy-${n}`,
      email: `user.${n}@legacy.example.com`,
      emailVerified: i % 3 !== 2,
      createdAt: Date.UTC(2018, 0, 1) + i * 60_000,
      data: { name: `User ${n}`, plan: i % 2 ? "pro" : "free", locale: "en" },
      tenantId: "public",
    };
  });
}

/** The roster as the end-of-migration job reads it: everyone not migrated yet, in legacy-id order. */
export function rosterReader(entries: RosterEntry[]): RosterReader {
  const byId = new Map(entries.map((e) => [e.legacyId, e]));
  const sorted = [...entries].sort((a, b) => (a.legacyId < b.legacyId ? -1 : 1));
  return {
    notYetMigrated: async (_p, page) => sorted.filter((e) => page.afterLegacyId === undefined || e.legacyId > page.afterLegacyId).slice(0, page.limit),
    conflicts: async () => [],
    get: async (_p, id) => byId.get(id) ?? null,
    unclassified: async () => 0,
  };
}
