import { z } from "zod";
import { op } from "../define.ts";
import { json, loginMethod, roleName, secondFactor, tenantId, userId, userRow } from "../schemas.ts";
import { indexFreshness, USER_MIGRATION_FILTERS } from "./migration.ts";

/**
 * Filters the local user index answers (main/migration/index-store): the Core cannot filter by
 * metadata. With any of them (or secondFactor while the index is fresh) the page comes from the
 * index, and the answer's `index` says how fresh it is (H-B, issue 13).
 */
const indexFilters = {
  /** Only users with (true) or without (false) the temporary-password flag. */
  temporaryPassword: z.boolean().optional(),
  /** Only users in this relation to the migration roster. */
  migrationState: z.enum(USER_MIGRATION_FILTERS).optional(),
  /** Only invited users who have not signed in yet ("invited"), or who have ("accepted"). */
  invite: z.enum(["invited", "accepted"]).optional(),
};

const listQuery = z.object({
  tenantId,
  order: z.enum(["newest", "oldest"]),
  /** An email or phone prefix; empty for no search. */
  search: z.string().trim().max(200).optional(),
});

export const sessionInfo = z.object({
  sessionHandle: z.string(),
  tenantId: z.string(),
  timeCreated: z.number(),
  expiry: z.number(),
  accessTokenPayload: json,
});

export const userOps = {
  "users.list": op({
    summary: "One page of users with roles, flags and second-factor phones",
    permission: "users:read",
    mutates: false,
    input: listQuery.extend({
      limit: z.number().int().min(1).max(500),
      paginationToken: z.string().optional(),
      /**
       * Only users in this second-factor state. The Core cannot filter by metadata, so main scans
       * pages of the Core from the token until it has `limit` matches or has scanned SCAN_CAP users.
       */
      secondFactor: z.enum(["enrolled", "none", "broken"]).optional(),
      ...indexFilters,
    }),
    output: z.object({
      rows: z.array(userRow),
      /**
       * Present when the page came from the local user index (an index filter, or the second-factor
       * filter while the index is fresh): how fresh it is. Rows then hold what the last scan saw
       * (roles are live); `nextPaginationToken` is the index's own token, and `matches` counts them all.
       */
      index: indexFreshness.extend({ matches: z.number() }).optional(),
      nextPaginationToken: z.string().nullable(),
      /** With a filter: how many users were looked at for this answer. */
      scanned: z.number().optional(),
      /**
       * With a search. The Core answers a search with one list (no page size, no token) of at most
       * 1,000 users per sign-in method; main pages through it with tokens of its own.
       */
      search: z
        .object({
          /** Users the Core returned for the search. */
          matches: z.number(),
          /** Where this page starts among them (0-based). */
          offset: z.number(),
          /** Sign-in methods (recipe ids) whose share reached the Core's 1,000: more users match than it returned. */
          capped: z.array(z.string()),
        })
        .optional(),
    }),
  }),
  "users.export": op({
    summary: "The users view as CSV (every page, up to a cap)",
    permission: "users:export",
    mutates: false,
    input: listQuery.extend({
      max: z.number().int().min(1).max(100_000).default(10_000),
      /** Only users in this second-factor state, as the list shows them. */
      secondFactor: z.enum(["enrolled", "none", "broken"]).optional(),
      ...indexFilters,
    }),
    output: z.object({
      csv: z.string(),
      /** Present when the rows came from the local user index: how fresh it is. */
      index: indexFreshness.optional(),
      rows: z.number(),
      /** Not every user of the view is in the file: the export cap, or the Core's cap on a search. */
      truncated: z.boolean(),
      /** Sign-in methods whose matches the Core cut at 1,000 (a search). */
      coreCapped: z.array(z.string()).optional(),
    }),
  }),
  "users.quickSearch": op({
    summary: "Find users by email or phone prefix, for Ctrl+K",
    permission: "users:read",
    mutates: false,
    input: z.object({ text: z.string().trim().min(1).max(200), tenantId }),
    output: z.object({ hits: z.array(z.object({ id: z.string(), label: z.string(), tenantIds: z.array(z.string()) })) }),
  }),
  "users.get": op({
    summary: "A user's login methods, metadata, roles per tenant and second factor",
    permission: "users:read",
    mutates: false,
    input: z.object({ userId }),
    output: z.object({
      id: z.string(),
      superTokensUserId: z.string().optional(),
      timeJoined: z.number(),
      tenantIds: z.array(z.string()),
      loginMethods: z.array(loginMethod),
      metadata: json,
      rolesByTenant: z.record(z.string(), z.array(z.string())),
      secondFactor,
      temporaryPassword: z.boolean(),
    }),
  }),
  "users.updateMetadata": op({
    summary: "Change a user's metadata (top-level merge; null removes a key)",
    permission: "users:write",
    mutates: true,
    input: z.object({ userId, update: json }),
    output: z.object({ metadata: json }),
    target: (i) => i.userId,
  }),
  "users.addRole": op({
    summary: "Give a user a role in a tenant",
    permission: "roles:write",
    mutates: true,
    input: z.object({ userId, tenantId, role: roleName }),
    output: z.object({ alreadyHad: z.boolean() }),
    target: (i) => i.userId,
  }),
  "users.removeRole": op({
    summary: "Take a role from a user in a tenant",
    permission: "roles:write",
    mutates: true,
    input: z.object({ userId, tenantId, role: roleName }),
    output: z.object({ hadRole: z.boolean() }),
    target: (i) => i.userId,
  }),
  "users.sessions": op({
    summary: "A user's live sessions",
    permission: "users:read",
    mutates: false,
    input: z.object({ userId }),
    output: z.object({ sessions: z.array(sessionInfo) }),
  }),
  "users.revokeSession": op({
    summary: "End one session of a user",
    permission: "sessions:revoke",
    mutates: true,
    input: z.object({ userId, sessionHandle: z.string().min(1) }),
    output: z.object({ revoked: z.boolean() }),
    target: (i) => i.userId,
  }),
  "users.revokeAllSessions": op({
    summary: "End every session of a user",
    permission: "sessions:revoke",
    mutates: true,
    input: z.object({ userId }),
    output: z.object({ revoked: z.number() }),
    target: (i) => i.userId,
  }),
  "users.delete": op({
    summary: "Delete a user and their metadata, roles and sessions",
    permission: "users:write",
    mutates: true,
    /** `confirm` must repeat the user's email, phone number or id, as typed in the dialog. */
    input: z.object({ userId, confirm: z.string() }),
    output: z.object({ deleted: z.boolean() }),
    target: (i) => i.userId,
  }),
};
