/**
 * Which users hold which roles in a tenant. The Core has no "roles of many users" call, so a
 * page of users gets its roles from "users of each role" (one call per role, whatever the page
 * size), kept for a short while and dropped whenever Gatehouse changes a role.
 */
import UserRoles from "supertokens-node/recipe/userroles";
import type { CoreClient } from "../core/core-client.ts";

const TTL_MS = 30_000;

export class RoleIndex {
  private readonly cache = new Map<string, { at: number; byUser: Map<string, string[]> }>();

  constructor(private readonly now: () => number) {}

  async rolesByUser(core: CoreClient, tenantId: string): Promise<Map<string, string[]>> {
    const key = `${core.label}\u0000${tenantId}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.byUser;
    const byUser = new Map<string, string[]>();
    await core.sdk(async () => {
      const { roles } = await UserRoles.getAllRoles();
      const holders = await Promise.all(roles.map(async (role) => ({ role, res: await UserRoles.getUsersThatHaveRole(tenantId, role) })));
      for (const { role, res } of holders) {
        if (res.status !== "OK") continue; // deleted meanwhile
        for (const userId of res.users) byUser.set(userId, [...(byUser.get(userId) ?? []), role]);
      }
    });
    for (const list of byUser.values()) list.sort();
    this.cache.set(key, { at: this.now(), byUser });
    return byUser;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
