/**
 * Bulk import (Core 11.4.7's webserver/api/bulkimport), app-level, answered as a Core on
 * PostgreSQL answers (the in-memory Core refuses every one with "This API is not supported in
 * the in-memory database."): stage up to 10,000 users (a batch with any bad user is refused
 * whole, naming each bad user's index and errors), list them (newest first, with plain-text
 * passwords as sent), count them, remove them, or import one at once. Staged users are imported
 * by the background task (bulk-import/runner.ts). Input is read before the tenant in the path.
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { Route } from "../context.ts";
import { BULK_IMPORT_STATUSES, primaryLoginMethod, stagedResponseJson, type BulkImportStatus, type BulkImportUser } from "../bulk-import/types.ts";
import type { ImportSteps } from "../bulk-import/import-steps.ts";
import { parsePageToken, type StagedUsers } from "../bulk-import/store.ts";
import { BulkImportValidator, type ValidatorContext } from "../bulk-import/validate.ts";
import { badRequest, invalidField } from "../http/errors.ts";
import type { GsonValue } from "../http/gson.ts";
import { stringOf, type Body, type Query } from "../http/input.ts";

const MAX_USERS_TO_ADD = 10_000;
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;
const MAX_IDS_TO_REMOVE = 500;

/** The Core's 400 whose text is a JSON object. */
const badRequestJson = (json: unknown) => badRequest(JSON.stringify(json));

/** parseArrayOrThrowError(nullable = false). */
function arrayField(body: Body, name: string): GsonValue[] {
  const v = body.read().get(name);
  if (v?.kind !== "array") throw invalidField(name);
  return v.items;
}

/** The optional status filter: exactly NEW, PROCESSING or FAILED. */
function statusOf(query: Query): BulkImportStatus | undefined {
  const raw = query.optString("status");
  if (raw === undefined) return undefined;
  if (!BULK_IMPORT_STATUSES.includes(raw as BulkImportStatus)) throw badRequest("Invalid value for status. Pass one of NEW, PROCESSING, or FAILED!");
  return raw as BulkImportStatus;
}

export interface BulkImportDeps {
  accounts: Accounts;
  staged: StagedUsers;
  steps: ImportSteps;
  /** What a validator needs to know of the app, read at the start of each request. */
  validatorContext(): Omit<ValidatorContext, "mode">;
}

export function bulkImportRoutes(bi: BulkImportDeps): Route[] {
  const generating = (): BulkImportValidator => new BulkImportValidator({ ...bi.validatorContext(), mode: "GENERATE" });

  return [
    {
      method: "POST",
      path: "/bulk-import/users",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, publicTenantOnly }) => {
        const users = arrayField(body, "users");
        if (users.length === 0) return { status: "OK" };
        if (users.length > MAX_USERS_TO_ADD) throw badRequestJson({ error: `You can only add ${MAX_USERS_TO_ADD} users at a time.` });
        publicTenantOnly();
        const validator = generating();
        const valid: BulkImportUser[] = [];
        const invalid: { index: number; errors: string[] }[] = [];
        users.forEach((element, index) => {
          const checked = validator.validateElement(element);
          if (checked.ok) valid.push(checked.user);
          else invalid.push({ index, errors: checked.errors });
        });
        if (invalid.length > 0) {
          throw badRequestJson({ error: "Data has missing or invalid fields. Please check the users field for more details.", users: invalid });
        }
        bi.staged.add(valid);
        return { status: "OK", users: valid.map(stagedResponseJson) };
      },
    },
    {
      method: "GET",
      path: "/bulk-import/users",
      scope: "app",
      checksInHandler: true,
      handler: ({ query, publicTenantOnly }) => {
        const rawStatus = query.optString("status");
        const token = query.optString("paginationToken");
        const limit = query.optInteger("limit") ?? DEFAULT_LIMIT;
        if (limit > MAX_LIMIT) throw badRequest(`Max limit allowed is ${MAX_LIMIT}`);
        if (limit < 1) throw badRequest("limit must a positive integer with min value 1");
        const status = rawStatus === undefined ? undefined : statusOf(query);
        publicTenantOnly();
        const from = token === undefined ? undefined : parsePageToken(token);
        if (token !== undefined && !from) throw badRequest("invalid pagination token");
        const page = bi.staged.list(limit, status, from);
        return { status: "OK", users: page.users, ...(page.nextPaginationToken ? { nextPaginationToken: page.nextPaginationToken } : {}) };
      },
    },
    {
      method: "GET",
      path: "/bulk-import/users/count",
      scope: "app",
      checksInHandler: true,
      handler: ({ query, publicTenantOnly }) => {
        const status = statusOf(query);
        publicTenantOnly();
        return { status: "OK", count: bi.staged.count(status) };
      },
    },
    {
      method: "POST",
      path: "/bulk-import/users/remove",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, publicTenantOnly }) => {
        const items = arrayField(body, "ids");
        if (items.length === 0) return { deletedIds: [], invalidIds: [] };
        if (items.length > MAX_IDS_TO_REMOVE) throw badRequest(`Field name 'ids' cannot contain more than ${MAX_IDS_TO_REMOVE} elements`);
        const ids = items.map((item) => {
          const id = stringOf(item, "ids");
          if (id === "") throw badRequest("Field name 'ids' cannot contain an empty string");
          return id;
        });
        publicTenantOnly();
        const removed = bi.staged.remove(ids);
        return { deletedIds: ids.filter((id) => removed.has(id)), invalidIds: ids.filter((id) => !removed.has(id)) };
      },
    },
    {
      method: "POST",
      path: "/bulk-import/import",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, publicTenantOnly }) => {
        const user = body.read();
        publicTenantOnly();
        const checked = generating().validate(user);
        if (!checked.ok) throw badRequestJson({ errors: checked.errors });
        const outcome = bi.steps.run([checked.user]);
        if (outcome.kind === "users") throw badRequestJson({ errors: [...outcome.errors.values()] });
        if (outcome.kind !== "ok") throw badRequestJson({ errors: [outcome.sync] });
        const row = bi.accounts.row(primaryLoginMethod(checked.user.loginMethods).superTokensUserId);
        if (!row) throw new Error("an imported user is in the database");
        return { status: "OK", user: bi.accounts.toCoreUser(row) };
      },
    },
  ];
}
