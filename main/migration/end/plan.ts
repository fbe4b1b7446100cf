/**
 * The dry run of the end of the migration, the same for both paths: every roster user the user
 * index classified "not-migrated" (in legacy-id order) becomes an item, checked on the Core
 * (the index may be older than the last sign-ins): an email that has an account by now is
 * skipped, as already migrated or as a conflict, with why. The index's conflicts are listed
 * and skipped too. Items hold no password or hash; the run reads those from the roster.
 */
import { plural } from "../../jobs/plural.ts";
import supertokens from "supertokens-node";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { MigrationEndItem } from "../../../shared/contract/operations/migration-end.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { PreparedItem } from "../../jobs/kind.ts";
import { mapLimit } from "../../services/concurrency.ts";
import type { RosterEntry, RosterReader } from "../roster/types.ts";

const PAGE = 1000;
const LOOKUP_CONCURRENCY = 16;

export const planText = (item: MigrationEndItem): string =>
  item.password === "legacy hash"
    ? "create the account with the legacy password hash (keeps the password; no reset link)"
    : `create the account with a random temporary password${item.emailVerified ? ", email verified" : ""}; send a reset link`;

export const itemOf = (e: RosterEntry, provider: string): MigrationEndItem => ({
  legacyId: e.legacyId,
  email: e.email,
  tenantId: e.tenantId,
  emailVerified: e.emailVerified,
  password: e.passwordHash && e.hashAlgorithm ? "legacy hash" : "temporary",
  provider,
});

/** Every page of a roster listing. */
async function* allPages<T>(read: (page: { afterLegacyId?: string; limit: number }) => Promise<T[]>, idOf: (t: T) => string): AsyncGenerator<T> {
  let after: string | undefined;
  for (;;) {
    const page = await read({ ...(after !== undefined ? { afterLegacyId: after } : {}), limit: PAGE });
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE || !last) return;
    after = idOf(last);
  }
}

/** Why an email that has an account now cannot get one for this legacy id (or that it already has). */
async function onCore(core: CoreClient, item: MigrationEndItem): Promise<string | undefined> {
  const users = await core.sdk(() => supertokens.listUsersByAccountInfo(item.tenantId, { email: item.email }));
  const user = users[0];
  if (!user) return undefined;
  if (user.id === item.legacyId) return `already migrated since the last scan of the user index (user ${user.id})`;
  const methods = [...new Set(user.loginMethods.map((m) => m.recipeId))].join(", ");
  return `conflict: an account with this email (user ${user.id}, ${methods}) is not mapped to ${item.legacyId}`;
}

export async function planEnd(roster: RosterReader, core: CoreClient, profileId: string, input: { tenantId?: string | undefined; provider: string }): Promise<PreparedItem<MigrationEndItem>[]> {
  const { tenantId, provider } = input;
  const wanted = (e: RosterEntry) => tenantId === undefined || e.tenantId === tenantId;
  const candidates: MigrationEndItem[] = [];
  const seen = new Map<string, string>();
  const early: PreparedItem<MigrationEndItem>[] = [];
  for await (const entry of allPages((p) => roster.notYetMigrated(profileId, p), (e) => e.legacyId)) {
    if (!wanted(entry)) continue;
    const item = itemOf(entry, provider);
    const key = `${item.tenantId}\u0000${item.email.toLowerCase()}`;
    const twin = seen.get(key);
    if (twin !== undefined) early.push({ input: item, error: `conflict: the same email as ${twin} in the roster; one account per email` });
    else {
      seen.set(key, item.legacyId);
      candidates.push(item);
    }
  }
  const checked = await mapLimit(candidates, LOOKUP_CONCURRENCY, async (item): Promise<PreparedItem<MigrationEndItem>> => {
    const why = await onCore(core, item);
    return why ? { input: item, error: why } : { input: item, plan: planText(item) };
  });
  const conflicts: PreparedItem<MigrationEndItem>[] = [];
  for await (const { entry, reason } of allPages((p) => roster.conflicts(profileId, p), (c) => c.entry.legacyId)) {
    if (wanted(entry)) conflicts.push({ input: itemOf(entry, provider), error: `conflict: ${reason}` });
  }
  const items = [...checked, ...early, ...conflicts];
  if (items.length === 0) throw new NothingToMigrate(tenantId, await roster.unclassified(profileId));
  return items;
}

/**
 * The roster has nobody the index calls not migrated (or in conflict): there is no job to plan.
 * Before any scan has classified the roster that says nothing of the migration: the answer says so.
 */
export class NothingToMigrate extends GatehouseError {
  constructor(tenantId: string | undefined, unclassified: number) {
    const where = tenantId ? ` in ${tenantId}` : "";
    super({
      code: "VALIDATION",
      message:
        unclassified > 0
          ? `No account to plan yet${where}: ${plural(unclassified, "roster user")} ${unclassified === 1 ? "has" : "have"} not been compared with the Core. Refresh the user index under Migration (a scan), then run the dry run again.`
          : `Nobody is left to migrate${where}: the user index has no roster user that is not migrated yet. Import the roster and scan the Core under Migration, or the migration is complete.`,
    });
  }
}
