/**
 * UserRoles: roles and their permissions are app-wide; a user's roles are per tenant. Any string
 * is a user id (the user does not have to exist). Lists come back sorted, as the in-memory Core
 * reads them off its primary keys: permissions, roles, a user's roles, the roles that have a
 * permission, and the users of a role (a Core on PostgreSQL may differ; callers must not rely on it).
 * Input is checked before the tenant in the path (see Route.checksInHandler).
 */
import type { CoreDeps, Route } from "../context.ts";
import { badRequest } from "../http/errors.ts";

const UNKNOWN_ROLE = { status: "UNKNOWN_ROLE_ERROR" } as const;

/** Role names and permissions are trimmed and may not be empty, as in the Core. */
function roleName(raw: string): string {
  const role = raw.trim();
  if (role === "") throw badRequest("Field name 'role' cannot be an empty String");
  return role;
}

function permissionNames(raw: string[] | undefined): string[] | undefined {
  return raw?.map((p) => {
    const permission = p.trim();
    if (permission === "") throw badRequest("Field name 'permissions' cannot contain an empty string");
    return permission;
  });
}

export function rolesRoutes(deps: CoreDeps): Route[] {
  const { db } = deps;
  const roleExists = (role: string): boolean => !!db.prepare("SELECT 1 FROM roles WHERE role = ?").get(role);
  const permissionsOf = (role: string): string[] =>
    (db.prepare("SELECT permission FROM role_permissions WHERE role = ? ORDER BY permission").all(role) as { permission: string }[]).map(
      (r) => r.permission,
    );

  return [
    {
      method: "PUT",
      path: "/recipe/role",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, app, publicTenantOnly }) => {
        const role = roleName(body.string("role"));
        const permissions = permissionNames(body.optStringArray("permissions")) ?? [];
        app();
        publicTenantOnly();
        const createdNewRole = db.prepare("INSERT OR IGNORE INTO roles (role) VALUES (?)").run(role).changes > 0;
        const add = db.prepare("INSERT OR IGNORE INTO role_permissions (role, permission) VALUES (?, ?)");
        for (const p of permissions) add.run(role, p);
        return { status: "OK", createdNewRole };
      },
    },
    {
      method: "GET",
      path: "/recipe/role/permissions",
      scope: "app",
      checksInHandler: true,
      handler: ({ query, app, publicTenantOnly }) => {
        const role = roleName(query.string("role"));
        app();
        publicTenantOnly();
        if (!roleExists(role)) return UNKNOWN_ROLE;
        return { permissions: permissionsOf(role), status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/role/permissions/remove",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, app, publicTenantOnly }) => {
        const role = roleName(body.string("role"));
        const permissions = permissionNames(body.optStringArray("permissions"));
        app();
        publicTenantOnly();
        if (!roleExists(role)) return UNKNOWN_ROLE;
        if (permissions === undefined) {
          db.prepare("DELETE FROM role_permissions WHERE role = ?").run(role);
        } else {
          const remove = db.prepare("DELETE FROM role_permissions WHERE role = ? AND permission = ?");
          for (const p of permissions) remove.run(role, p);
        }
        return { status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/role/remove",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, app, publicTenantOnly }) => {
        const role = roleName(body.string("role"));
        app();
        publicTenantOnly();
        const didRoleExist = db.prepare("DELETE FROM roles WHERE role = ?").run(role).changes > 0;
        return { status: "OK", didRoleExist };
      },
    },
    {
      method: "GET",
      path: "/recipe/roles",
      scope: "app",
      checksInHandler: true,
      handler: ({ app, publicTenantOnly }) => {
        app();
        publicTenantOnly();
        const roles = (db.prepare("SELECT role FROM roles ORDER BY role").all() as { role: string }[]).map((r) => r.role);
        return { roles, status: "OK" };
      },
    },
    {
      method: "GET",
      path: "/recipe/permission/roles",
      scope: "app",
      checksInHandler: true,
      handler: ({ query, app, publicTenantOnly }) => {
        const permission = query.string("permission").trim();
        if (permission === "") throw badRequest("Field name 'permission' cannot be an empty String");
        app();
        publicTenantOnly();
        const rows = db.prepare("SELECT role FROM role_permissions WHERE permission = ? ORDER BY role").all(permission) as { role: string }[];
        return { roles: rows.map((r) => r.role), status: "OK" };
      },
    },
    {
      method: "PUT",
      path: "/recipe/user/role",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, body, tenant }) => {
        const userId = body.string("userId");
        const role = roleName(body.string("role"));
        tenant();
        if (!roleExists(role)) return UNKNOWN_ROLE;
        const added = db
          .prepare("INSERT OR IGNORE INTO user_roles (tenant_id, user_id, role) VALUES (?, ?, ?)")
          .run(tenantId, userId, role).changes;
        return { status: "OK", didUserAlreadyHaveRole: added === 0 };
      },
    },
    {
      method: "POST",
      path: "/recipe/user/role/remove",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, body, tenant }) => {
        const userId = body.string("userId");
        const role = roleName(body.string("role"));
        tenant();
        if (!roleExists(role)) return UNKNOWN_ROLE;
        const removed = db
          .prepare("DELETE FROM user_roles WHERE tenant_id = ? AND user_id = ? AND role = ?")
          .run(tenantId, userId, role).changes;
        return { status: "OK", didUserHaveRole: removed > 0 };
      },
    },
    {
      method: "GET",
      path: "/recipe/user/roles",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, query, tenant }) => {
        const userId = query.string("userId");
        tenant();
        const rows = db
          .prepare("SELECT role FROM user_roles WHERE tenant_id = ? AND user_id = ? ORDER BY role")
          .all(tenantId, userId) as { role: string }[];
        return { roles: rows.map((r) => r.role), status: "OK" };
      },
    },
    {
      method: "GET",
      path: "/recipe/role/users",
      scope: "tenant",
      checksInHandler: true,
      handler: ({ tenantId, query, tenant }) => {
        const role = roleName(query.string("role"));
        tenant();
        if (!roleExists(role)) return UNKNOWN_ROLE;
        const rows = db
          .prepare("SELECT user_id FROM user_roles WHERE tenant_id = ? AND role = ? ORDER BY user_id")
          .all(tenantId, role) as { user_id: string }[];
        return { users: rows.map((r) => r.user_id), status: "OK" };
      },
    },
  ];
}
