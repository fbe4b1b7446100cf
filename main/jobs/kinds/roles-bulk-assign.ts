/**
 * "roles.bulkAssign": give one role in one tenant to many users (ids, or CSV text with a userId
 * column). The dry run checks that the role exists and each user does (and whether they hold
 * the role already); each item re-checks before adding, so a repeat never does anything twice,
 * and an item about to fail is checked once more: a user found holding the role is done.
 */
import { parse } from "csv-parse/sync";
import supertokens from "supertokens-node";
import UserRoles from "supertokens-node/recipe/userroles";
import type { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import { rolesBulkAssignInput } from "../../../shared/contract/operations/jobs.ts";
import type { CoreClient } from "../../core/core-client.ts";
import { mapLimit } from "../../services/concurrency.ts";
import type { JobKind, PreparedItem } from "../kind.ts";
import { plural } from "../plural.ts";

type Input = z.output<typeof rolesBulkAssignInput>;
type Item = { userId: string; tenantId: string; role: string };
/** "has the role": found holding it when the item was about to fail (this job may or may not have added it). */
type Result = { outcome: "added" | "already had" | "has the role" };

const LOOKUP_CONCURRENCY = 8;

/** The user ids of the input, in order, each with its own error (empty cell, duplicate, malformed CSV). */
export function userIdsOf(input: Input): { userId: string; error?: string }[] {
  const ids: string[] = [...(input.userIds ?? [])];
  if (input.csv?.trim()) {
    let records: Record<string, string>[];
    try {
      records = parse(input.csv, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as Record<string, string>[];
    } catch (err) {
      throw new GatehouseError({ code: "VALIDATION", field: "input.csv", message: `input.csv: ${err instanceof Error ? err.message : String(err)}` });
    }
    const first = records[0];
    const column = first ? Object.keys(first).find((k) => k.toLowerCase().replace(/[^a-z]/g, "") === "userid") : undefined;
    if (!column) throw new GatehouseError({ code: "VALIDATION", field: "input.csv", message: 'input.csv: needs a header row with a "userId" column.' });
    for (const r of records) ids.push(r[column] ?? "");
  }
  const seen = new Map<string, number>();
  return ids.map((raw, i) => {
    const userId = raw.trim();
    if (!userId) return { userId, error: "no user id" };
    const earlier = seen.get(userId);
    if (earlier !== undefined) return { userId, error: `duplicate of item ${earlier}` };
    seen.set(userId, i);
    return { userId };
  });
}

export interface RolesBulkAssignDeps {
  /** Called after a role was added (the users page's role index is dropped). */
  onChange?: () => void;
}

export function rolesBulkAssignKind(deps: RolesBulkAssignDeps = {}): JobKind<Input, Item, Result> {
  return {
    name: "roles.bulkAssign",
    permission: "roles:write",
    input: rolesBulkAssignInput,
    concurrency: 4,
    inputColumns: ["userId", "tenantId", "role"],
    resultColumns: ["outcome"],
    describe: (input, items) => `role "${input.role}" in ${input.tenantId} to ${plural(items.length, "user")}`,

    async prepare(input, { core }) {
      const role = await core.sdk(() => UserRoles.getPermissionsForRole(input.role));
      if (role.status !== "OK") throw new GatehouseError({ code: "VALIDATION", field: "input.role", message: `input.role: there is no role "${input.role}". Create it under Roles first.` });
      const ids = userIdsOf(input);
      return mapLimit(ids, LOOKUP_CONCURRENCY, async ({ userId, error }): Promise<PreparedItem<Item>> => {
        const item = { userId, tenantId: input.tenantId, role: input.role };
        if (error) return { input: item, error };
        const state = await holds(core, item);
        if (state === "no user") return { input: item, error: `there is no user "${userId}"` };
        return { input: item, plan: state === "holds" ? "already has the role (nothing to do)" : "add the role" };
      });
    },

    // Idempotent: looks first, adds only when the user does not hold the role yet.
    async runItem(item, { core }) {
      const state = await holds(core, item);
      if (state === "no user") throw new GatehouseError({ code: "NOT_FOUND", message: `There is no user "${item.userId}" (any more).` });
      if (state === "holds") return { outcome: "already had" };
      const res = await core.sdk(() => UserRoles.addRoleToUser(item.tenantId, item.userId, item.role));
      if (res.status === "UNKNOWN_ROLE_ERROR") throw new GatehouseError({ code: "NOT_FOUND", message: `There is no role "${item.role}" (any more).` });
      deps.onChange?.();
      return { outcome: res.didUserAlreadyHaveRole ? "already had" : "added" };
    },

    // Before an item fails: does the user hold the role after all (an addition whose answer was lost)?
    async reconcile(item, { core, error }) {
      const state = await holds(core, item);
      if (state === "holds") return { state: "done", result: { outcome: "has the role" } };
      return { state: "failed", error: `${error.replace(/\.$/, "")}. On the Core: ${state === "no user" ? `there is no user "${item.userId}"` : `the user does not hold "${item.role}" in ${item.tenantId}`}.` };
    },
  };
}

async function holds(core: CoreClient, item: Item): Promise<"no user" | "holds" | "lacks"> {
  return core.sdk(async () => {
    const user = await supertokens.getUser(item.userId);
    if (!user) return "no user";
    const { roles } = await UserRoles.getRolesForUser(item.tenantId, user.id);
    return roles.includes(item.role) ? "holds" : "lacks";
  });
}
