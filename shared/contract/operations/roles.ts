import { z } from "zod";
import { op } from "../define.ts";
import { newRoleName, roleName, tenantId } from "../schemas.ts";

const permission = z.string().trim().min(1, "a permission may not be empty").max(200);

export const roleOps = {
  "roles.list": op({
    summary: "Roles with their permissions and how many users hold them in a tenant",
    permission: "roles:read",
    mutates: false,
    input: z.object({ tenantId }),
    output: z.object({ roles: z.array(z.object({ role: z.string(), permissions: z.array(z.string()), userCount: z.number() })) }),
  }),
  "roles.users": op({
    summary: "Users that have a role in a tenant, a page at a time",
    permission: "roles:read",
    mutates: false,
    input: z.object({
      role: roleName,
      tenantId,
      /** Holders are ordered by id; the page starts at this one (0-based). */
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: z.object({
      /** This page's holders, labelled with their emails or phones. */
      users: z.array(z.object({ id: z.string(), label: z.string() })),
      /** Everyone holding the role in the tenant. */
      total: z.number(),
      offset: z.number(),
    }),
  }),
  "roles.create": op({
    summary: "Create a role",
    permission: "roles:write",
    mutates: true,
    input: z.object({ role: newRoleName, permissions: z.array(permission) }),
    output: z.object({ created: z.boolean() }),
    target: (i) => i.role,
  }),
  "roles.setPermissions": op({
    summary: "Add and remove permissions of a role",
    permission: "roles:write",
    mutates: true,
    input: z.object({ role: roleName, add: z.array(permission), remove: z.array(permission) }),
    output: z.object({ permissions: z.array(z.string()) }),
    target: (i) => i.role,
  }),
  "roles.deletePreview": op({
    summary: "Who would lose a role if it were deleted, per tenant",
    permission: "roles:read",
    mutates: false,
    input: z.object({ role: roleName }),
    output: z.object({
      byTenant: z.array(
        z.object({
          tenantId: z.string(),
          users: z.array(z.string()),
          /** The first holders with their emails or phones, as the holders panel labels them. */
          labelled: z.array(z.object({ id: z.string(), label: z.string() })).default([]),
        }),
      ),
    }),
  }),
  "roles.delete": op({
    summary: "Delete a role (it is taken from every user)",
    permission: "roles:write",
    mutates: true,
    input: z.object({ role: roleName }),
    output: z.object({ existed: z.boolean() }),
    target: (i) => i.role,
  }),
};
