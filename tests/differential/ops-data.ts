/**
 * Operations on users and the data around them through supertokens-node: reading and listing
 * users, deleting them, user-id mappings, UserMetadata (and its bulk read over raw CDI, which
 * the SDK does not wrap) and UserRoles.
 */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import type { OpKind } from "./op.ts";
import { rawCall } from "./raw.ts";

const s = (v: unknown): string => v as string;
const idType = (g: { rng: { pick<T>(x: readonly T[]): T } }) => g.rng.pick(["SUPERTOKENS", "EXTERNAL", "ANY", undefined] as const);

/** Only this run's roles: a real Core is shared with other runs and test files. */
const ours = (ns: string) => (name: string) => name.toLowerCase().includes(ns);

export const dataOps: Record<string, OpKind> = {
  getUser: {
    weight: 5,
    gen: (g) => ({ user: g.anyUser() }),
    run: (a) => supertokens.getUser(s(a.user)),
  },
  listUsersByAccountInfo: {
    weight: 4,
    gen: (g) => {
      const both = g.rng.chance(0.15);
      const email = both || g.rng.chance(0.65);
      return {
        tenant: g.tenant(),
        ...(email ? { email: g.email() } : {}),
        ...(!email || both ? { phoneNumber: g.phone() } : {}),
        union: g.rng.chance(0.5),
      };
    },
    run: (a) => {
      const info = { ...(a.email !== undefined ? { email: s(a.email) } : {}), ...(a.phoneNumber !== undefined ? { phoneNumber: s(a.phoneNumber) } : {}) };
      return supertokens.listUsersByAccountInfo(s(a.tenant), info, a.union as boolean);
    },
  },
  listUsers: {
    weight: 3,
    gen: (g) => {
      // In `public` only this run's users are searched for (by the namespace prefix of their emails).
      const inPublic = g.rng.chance(0.3);
      return {
        tenant: inPublic ? "public" : g.listTenant(),
        order: g.rng.pick(["newest", "oldest"]),
        limit: g.limit(),
        includeRecipeIds: g.recipeIds(),
        ...(inPublic ? { query: { email: "{ns}" } } : g.rng.chance(0.15) ? { query: g.rng.pick([{ email: "{ns}-e1" }, { phone: "+4477" }, { email: "" }]) } : {}),
        pages: g.rng.chance(0.3) ? 3 : 1,
      };
    },
    run: async (a) => {
      const list = a.order === "newest" ? supertokens.getUsersNewestFirst : supertokens.getUsersOldestFirst;
      const pages: unknown[] = [];
      let paginationToken: string | undefined;
      for (let i = 0; i < (a.pages as number); i++) {
        const page = await list({
          tenantId: s(a.tenant),
          ...(a.limit !== undefined ? { limit: a.limit as number } : {}),
          ...(a.includeRecipeIds !== undefined ? { includeRecipeIds: a.includeRecipeIds as string[] } : {}),
          ...(a.query !== undefined ? { query: a.query as Record<string, string> } : {}),
          ...(paginationToken !== undefined ? { paginationToken } : {}),
        });
        pages.push(page);
        paginationToken = page.nextPaginationToken;
        if (paginationToken === undefined) break;
      }
      return pages;
    },
  },
  getUserCount: {
    weight: 2,
    gen: (g) => ({ tenant: g.listTenant(), includeRecipeIds: g.recipeIds() }),
    run: (a) => supertokens.getUserCount(a.includeRecipeIds as string[] | undefined, s(a.tenant)),
  },
  deleteUser: {
    weight: 2,
    gen: (g) => ({ user: g.rng.chance(0.8) ? g.createdUser() : g.anyUser() }),
    run: async (a, w) => {
      const res = await supertokens.deleteUser(s(a.user));
      for (const [st, ext] of w.mappings) if (st === a.user || ext === a.user) w.mappings.delete(st);
      return res;
    },
  },
  createUserIdMapping: {
    weight: 3,
    gen: (g) => ({
      superTokensUserId: g.rng.chance(0.85) ? `$U${g.rng.int(6)}` : g.anyUser(),
      externalUserId: g.externalId(),
      ...(g.rng.chance(0.3) ? { externalUserIdInfo: g.rng.pick(["from legacy", "", " spaced "]) } : {}),
      ...(g.rng.chance(0.3) ? { force: g.rng.chance(0.5) } : {}),
    }),
    run: async (a, w) => {
      const res = await supertokens.createUserIdMapping(a as { superTokensUserId: string; externalUserId: string });
      if (res.status === "OK") w.mappings.set(s(a.superTokensUserId).trim(), s(a.externalUserId).trim());
      return res;
    },
  },
  getUserIdMapping: {
    weight: 2,
    gen: (g) => ({ userId: g.anyUser(), userIdType: idType(g) }),
    run: (a) => supertokens.getUserIdMapping(a as { userId: string }),
  },
  deleteUserIdMapping: {
    weight: 1,
    gen: (g) => ({ userId: g.anyUser(), userIdType: idType(g), ...(g.rng.chance(0.4) ? { force: g.rng.chance(0.6) } : {}) }),
    run: async (a, w) => {
      const res = await supertokens.deleteUserIdMapping(a as { userId: string });
      if (res.didMappingExist) {
        const id = s(a.userId).trim();
        for (const [st, ext] of w.mappings) if (st === id || ext === id) w.mappings.delete(st);
      }
      return res;
    },
  },
  updateOrDeleteUserIdMappingInfo: {
    weight: 1,
    gen: (g) => ({ userId: g.anyUser(), userIdType: idType(g), ...(g.rng.chance(0.7) ? { externalUserIdInfo: g.rng.pick(["new info", "", "ünï"]) } : {}) }),
    run: (a) => supertokens.updateOrDeleteUserIdMappingInfo(a as { userId: string }),
  },
  "UserMetadata.getUserMetadata": {
    weight: 4,
    gen: (g) => ({ user: g.user() }),
    run: (a) => UserMetadata.getUserMetadata(s(a.user)),
  },
  "UserMetadata.updateUserMetadata": {
    weight: 5,
    gen: (g) => ({ user: g.user(), update: g.odd(g.metadataUpdate()) }),
    run: (a) => UserMetadata.updateUserMetadata(s(a.user), a.update as Parameters<typeof UserMetadata.updateUserMetadata>[1]),
  },
  "UserMetadata.clearUserMetadata": {
    weight: 1,
    gen: (g) => ({ user: g.user() }),
    run: (a) => UserMetadata.clearUserMetadata(s(a.user)),
  },
  "metadata bulk (raw)": {
    weight: 1,
    gen: (g) => ({ userIds: Array.from({ length: g.rng.int(4) }, () => g.user()) }),
    run: (a, w) => rawCall(w.core, { method: "POST", path: "/recipe/user/metadata/bulk", body: { userIds: a.userIds } }),
  },
  "UserRoles.createNewRoleOrAddPermissions": {
    weight: 4,
    gen: (g) => ({ role: g.role(), permissions: g.odd(g.permissions()) }),
    run: (a) => UserRoles.createNewRoleOrAddPermissions(s(a.role), a.permissions as string[]),
  },
  "UserRoles.getPermissionsForRole": {
    weight: 2,
    gen: (g) => ({ role: g.role() }),
    run: (a) => UserRoles.getPermissionsForRole(s(a.role)),
  },
  "UserRoles.removePermissionsFromRole": {
    weight: 1,
    gen: (g) => ({ role: g.role(), permissions: g.permissions() }),
    run: (a) => UserRoles.removePermissionsFromRole(s(a.role), a.permissions as string[]),
  },
  "UserRoles.deleteRole": {
    weight: 1,
    gen: (g) => ({ role: g.role() }),
    run: (a) => UserRoles.deleteRole(s(a.role)),
  },
  "UserRoles.getAllRoles (this run's)": {
    weight: 1,
    gen: () => ({}),
    run: async (_a, w) => {
      const res = await UserRoles.getAllRoles();
      return res.status === "OK" ? { ...res, roles: res.roles.filter(ours(w.ns)) } : res;
    },
  },
  "UserRoles.getRolesThatHavePermission (this run's)": {
    weight: 1,
    gen: (g) => ({ permission: g.permission() }),
    run: async (a, w) => {
      const res = await UserRoles.getRolesThatHavePermission(s(a.permission));
      return { ...res, roles: res.roles.filter(ours(w.ns)) };
    },
  },
  "UserRoles.addRoleToUser": {
    weight: 5,
    gen: (g) => ({ tenant: g.tenant(), user: g.user(), role: g.role() }),
    run: (a) => UserRoles.addRoleToUser(s(a.tenant), s(a.user), s(a.role)),
  },
  "UserRoles.removeUserRole": {
    weight: 2,
    gen: (g) => ({ tenant: g.tenant(), user: g.user(), role: g.role() }),
    run: (a) => UserRoles.removeUserRole(s(a.tenant), s(a.user), s(a.role)),
  },
  "UserRoles.getRolesForUser": {
    weight: 3,
    gen: (g) => ({ tenant: g.tenant(), user: g.user() }),
    run: (a) => UserRoles.getRolesForUser(s(a.tenant), s(a.user)),
  },
  "UserRoles.getUsersThatHaveRole": {
    weight: 2,
    gen: (g) => ({ tenant: g.tenant(), role: g.role() }),
    run: (a) => UserRoles.getUsersThatHaveRole(s(a.tenant), s(a.role)),
  },
};
