import { z } from "zod";
import { op } from "../define.ts";
import { operatorRole, profileView } from "../schemas.ts";
import { PERMISSIONS } from "../permissions.ts";

export const connectionOps = {
  "session.whoami": op({
    summary: "Who is operating, with which role and permissions, on which profile",
    permission: "profiles:read",
    mutates: false,
    input: z.object({}),
    output: z.object({
      operator: z.string(),
      role: operatorRole,
      permissions: z.array(z.enum(PERMISSIONS)),
      /** The operations this caller may call here (a deployment may ask more for one than its permission says). */
      operations: z.array(z.string()),
      profile: profileView.nullable(),
      /** desktop: the OS account with the profile's role; team: an operator signed in to a Gatehouse server. */
      mode: z.enum(["desktop", "team"]),
      /** Why the console cannot change connection profiles here (a team server whose profiles are its config's); absent when it can. */
      profilesLocked: z.string().optional(),
    }),
  }),
  "connection.status": op({
    summary: "Reachability and CDI version of the active profile's Core",
    permission: "profiles:read",
    mutates: false,
    input: z.object({}),
    output: z.object({
      profileId: z.string().nullable(),
      state: z.enum(["connected", "unreachable", "unauthorised", "incompatible", "none"]),
      cdiVersion: z.string().nullable(),
      message: z.string().nullable(),
    }),
  }),
  "tenants.list": op({
    summary: "Tenants of the active Core",
    permission: "users:read",
    mutates: false,
    input: z.object({}),
    output: z.object({ tenants: z.array(z.object({ tenantId: z.string() })) }),
  }),
};
