/** Roles: list with permissions and holders, create, edit permissions, delete (with a preview). */
import supertokens from "supertokens-node";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import UserRoles from "supertokens-node/recipe/userroles";
import type { z } from "zod";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { roleOps } from "../../shared/contract/operations/roles.ts";
import { mapLimit } from "./concurrency.ts";
import type { ActiveConnection } from "./connection.ts";
import type { RoleIndex } from "./role-index.ts";

type Out<N extends keyof typeof roleOps> = z.output<(typeof roleOps)[N]["output"]>;
type In<N extends keyof typeof roleOps> = z.output<(typeof roleOps)[N]["input"]>;

/** Holders per tenant the delete preview names by email or phone (the rest are counted). */
export const PREVIEW_LABELLED = 20;

/** A role holder as the holders panel shows them; roles may be held by ids that are no user (the Core accepts any string). */
async function holderLabel(id: string): Promise<{ id: string; label: string }> {
  const user = await supertokens.getUser(id);
  return { id, label: user ? [...user.emails, ...user.phoneNumbers].join(", ") || id : `${id} (not a user)` };
}

const unknownRole = (role: string) => new GatehouseError({ code: "NOT_FOUND", message: `There is no role "${role}" (any more).` });

export class RolesService {
  constructor(
    private readonly connection: () => ActiveConnection,
    private readonly index: RoleIndex,
  ) {}

  async list(tenantId: string): Promise<Out<"roles.list">> {
    const { core } = this.connection();
    return core.sdk(async () => {
      const { roles } = await UserRoles.getAllRoles();
      const rows = await mapLimit(roles.sort(), 8, async (role) => {
        const [perms, holders] = await Promise.all([UserRoles.getPermissionsForRole(role), UserRoles.getUsersThatHaveRole(tenantId, role)]);
        return {
          role,
          permissions: perms.status === "OK" ? perms.permissions.sort() : [],
          userCount: holders.status === "OK" ? holders.users.length : 0,
        };
      });
      return { roles: rows };
    });
  }

  /**
   * One page of a role's holders in a tenant. The Core returns every holder's id in one call (it
   * has no paging for this); only the page's holders are looked up for their email or phone, so
   * a role held by 10,000 users costs one call plus a page of look-ups. Ids are sorted so that
   * pages stay put between calls.
   */
  async users(input: In<"roles.users">): Promise<Out<"roles.users">> {
    const { core } = this.connection();
    return core.sdk(async () => {
      const res = await UserRoles.getUsersThatHaveRole(input.tenantId, input.role);
      if (res.status !== "OK") throw unknownRole(input.role);
      const ids = [...res.users].sort();
      const users = await mapLimit(ids.slice(input.offset, input.offset + input.limit), 8, holderLabel);
      return { users, total: ids.length, offset: input.offset };
    });
  }

  async create(input: In<"roles.create">): Promise<Out<"roles.create">> {
    const { core } = this.connection();
    return core.sdk(async () => {
      const existing = await UserRoles.getPermissionsForRole(input.role);
      if (existing.status === "OK") throw new GatehouseError({ code: "CONFLICT", message: `The role "${input.role}" exists already; edit its permissions instead.` });
      const res = await UserRoles.createNewRoleOrAddPermissions(input.role, input.permissions);
      return { created: res.createdNewRole };
    });
  }

  async setPermissions(input: In<"roles.setPermissions">): Promise<Out<"roles.setPermissions">> {
    const { core } = this.connection();
    const result = await core.sdk(async () => {
      if ((await UserRoles.getPermissionsForRole(input.role)).status !== "OK") throw unknownRole(input.role);
      if (input.add.length) await UserRoles.createNewRoleOrAddPermissions(input.role, input.add);
      if (input.remove.length) await UserRoles.removePermissionsFromRole(input.role, input.remove);
      const after = await UserRoles.getPermissionsForRole(input.role);
      if (after.status !== "OK") throw unknownRole(input.role);
      return { permissions: after.permissions.sort() };
    });
    this.index.invalidate();
    return result;
  }

  async deletePreview(role: string): Promise<Out<"roles.deletePreview">> {
    const { core } = this.connection();
    return core.sdk(async () => {
      const { tenants } = await Multitenancy.listAllTenants();
      const byTenant = await mapLimit(tenants, 4, async (t) => {
        const res = await UserRoles.getUsersThatHaveRole(t.tenantId, role);
        if (res.status !== "OK") throw unknownRole(role);
        const labelled = await mapLimit(res.users.slice(0, PREVIEW_LABELLED), 8, holderLabel);
        return { tenantId: t.tenantId, users: res.users, labelled };
      });
      return { byTenant: byTenant.filter((t) => t.users.length > 0) };
    });
  }

  async delete(role: string): Promise<Out<"roles.delete">> {
    const { core } = this.connection();
    const res = await core.sdk(() => UserRoles.deleteRole(role));
    this.index.invalidate();
    return { existed: res.didRoleExist };
  }
}
