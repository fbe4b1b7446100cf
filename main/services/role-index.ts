/**
 * Which users on a page hold which roles in a tenant. The Core has no "roles of many users"
 * call, so for a tenant with few role holders the index is built from "users of each role" (one
 * call per role, whatever the page size), kept for a short while and dropped whenever Gatehouse
 * changes a role. When roles are held widely (a default role for everyone, say), downloading
 * every holder would cost more than asking for the page's users one by one, so then it does that.
 */
import UserRoles from "supertokens-node/recipe/userroles";
import type { CoreClient } from "../core/core-client.ts";
import { mapLimit } from "./concurrency.ts";

const TTL_MS = 30_000;
/** Above this many (user, role) pairs in a tenant, roles are looked up per user on the page. */
const WIDE_HOLDINGS = 5_000;

export interface RoleIndexOptions {
  wideHoldings?: number;
}

type TenantIndex = { at: number; kind: "whole"; byUser: Map<string, string[]> } | { at: number; kind: "per-user" };

export class RoleIndex {
  private readonly cache = new Map<string, TenantIndex>();

  private readonly wideHoldings: number;

  constructor(
    private readonly now: () => number,
    options: RoleIndexOptions = {},
  ) {
    this.wideHoldings = options.wideHoldings ?? WIDE_HOLDINGS;
  }

  async rolesFor(core: CoreClient, tenantId: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
    const index = await this.index(core, tenantId);
    if (index.kind === "whole") return index.byUser;
    const lists = await core.sdk(() => mapLimit(userIds, 8, async (id) => (await UserRoles.getRolesForUser(tenantId, id)).roles.sort()));
    return new Map(userIds.map((id, i) => [id, lists[i] ?? []]));
  }

  invalidate(): void {
    this.cache.clear();
  }

  private async index(core: CoreClient, tenantId: string): Promise<TenantIndex> {
    const key = `${core.label}\u0000${tenantId}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit;
    const byUser = new Map<string, string[]>();
    let holdings = 0;
    await core.sdk(async () => {
      const { roles } = await UserRoles.getAllRoles();
      const holders = await Promise.all(roles.map(async (role) => ({ role, res: await UserRoles.getUsersThatHaveRole(tenantId, role) })));
      for (const { role, res } of holders) {
        if (res.status !== "OK") continue; // deleted meanwhile
        holdings += res.users.length;
        for (const userId of res.users) byUser.set(userId, [...(byUser.get(userId) ?? []), role]);
      }
    });
    for (const list of byUser.values()) list.sort();
    const index: TenantIndex = holdings > this.wideHoldings ? { at: this.now(), kind: "per-user" } : { at: this.now(), kind: "whole", byUser };
    this.cache.set(key, index);
    return index;
  }
}
