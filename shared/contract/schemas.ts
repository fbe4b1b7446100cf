/** Shapes that several operations share. */
import { z } from "zod";
import { roleNameProblem } from "../role-name.ts";
import { OPERATOR_ROLES } from "./permissions.ts";

export const json = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof json>;

export const tenantId = z
  .string()
  .trim()
  .min(1, "a tenant id is required")
  .regex(/^[a-z0-9-]+$/i, "a tenant id has only letters, numbers and hyphens");

export const userId = z.string().trim().min(1, "a user id is required");
export const roleName = z.string().trim().min(1, "a role name is required").max(100);
/** A role the console creates: stricter than roleName, which must still reach roles made elsewhere. */
export const newRoleName = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = roleNameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
export const operatorRole = z.enum(OPERATOR_ROLES);

export const loginMethod = z.object({
  recipeId: z.string(),
  recipeUserId: z.string(),
  tenantIds: z.array(z.string()),
  email: z.string().optional(),
  phoneNumber: z.string().optional(),
  verified: z.boolean(),
  timeJoined: z.number(),
});

/** The second-factor phone state of a user (seed 03), as the console derives it. */
export const secondFactor = z.discriminatedUnion("state", [
  z.object({ state: z.literal("none") }),
  z.object({ state: z.literal("enrolled"), passwordlessUserId: z.string(), phoneNumber: z.string() }),
  z.object({
    state: z.literal("broken"),
    passwordlessUserId: z.string(),
    reason: z.enum(["missing-user", "no-phone"]),
  }),
]);
export type SecondFactor = z.infer<typeof secondFactor>;

/** One row of the users table. */
export const userRow = z.object({
  id: z.string(),
  /** The SuperTokens id when it differs from `id` (the user has an external id). */
  superTokensUserId: z.string().optional(),
  emails: z.array(z.string()),
  phoneNumbers: z.array(z.string()),
  loginMethods: z.array(z.string()),
  tenantIds: z.array(z.string()),
  timeJoined: z.number(),
  emailVerified: z.boolean(),
  roles: z.array(z.string()),
  temporaryPassword: z.boolean(),
  secondFactor,
});
export type UserRow = z.infer<typeof userRow>;

export const contractKeys = z.object({
  emailAllowListId: z.string().min(1),
  phoneAllowListId: z.string().min(1),
  allowListKey: z.string().min(1),
  secondFactorUserIdKey: z.string().min(1),
  secondFactorClaim: z.string().min(1),
  phoneNumberPayloadKey: z.string().min(1),
  temporaryPasswordKey: z.string().min(1),
  inviterRole: z.string().min(1),
  inviteKey: z.string().min(1),
  migrationKey: z.string().min(1),
});

/** A connection profile as the renderer sees it: never the API key itself. */
export const profileView = z.object({
  id: z.string(),
  name: z.string(),
  uris: z.array(z.string()),
  hasApiKey: z.boolean(),
  role: operatorRole,
  defaultTenant: z.string(),
  timeoutMs: z.number(),
  contract: contractKeys,
  /** The built-in profile on the embedded local core with the demo data. */
  embedded: z.boolean(),
  active: z.boolean(),
});
export type ProfileView = z.infer<typeof profileView>;

export const auditEntry = z.object({
  seq: z.number(),
  at: z.number(),
  operator: z.string(),
  /** The client's address, for calls to a team server; null on the desktop. */
  address: z.string().nullable(),
  role: z.string(),
  profile: z.string(),
  operation: z.string(),
  target: z.string().nullable(),
  input: json,
  outcome: z.enum(["ok", "error"]),
  detail: z.string().nullable(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntry>;
