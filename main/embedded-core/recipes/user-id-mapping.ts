/**
 * UserIdMapping: ties a SuperTokens user id to an external (e.g. legacy) id. Afterwards the Core
 * shows the external id wherever a user id appears (see Accounts.toCoreUsers). App-level; input
 * is checked before a tenant in the path is refused (see Route.checksInHandler).
 */
import type { Accounts } from "../accounts/accounts.ts";
import { moveEmailVerification, recipesUsingId } from "../accounts/user-data.ts";
import type { CoreDeps, Route } from "../context.ts";
import { badRequest, invalidField } from "../http/errors.ts";
import type { Body } from "../http/input.ts";

interface MappingRow {
  supertokens_user_id: string;
  external_user_id: string;
  external_user_id_info: string | null;
}

type IdType = "SUPERTOKENS" | "EXTERNAL" | "ANY";

/** externalUserIdInfo: a string, or null for none (the Core's parseStringOrJSONNullOrThrowError). */
function infoOf(body: Body): string | undefined {
  if (body.raw("externalUserIdInfo") === null) return undefined;
  const info = body.optString("externalUserIdInfo")?.trim();
  if (info === "") throw badRequest("Field name 'externalUserIdInfo' cannot be an empty String");
  return info;
}

export function userIdMappingRoutes(deps: CoreDeps, accounts: Accounts): Route[] {
  const { db, now } = deps;
  const bySt = db.prepare("SELECT * FROM userid_mapping WHERE supertokens_user_id = ?");
  const byExt = db.prepare("SELECT * FROM userid_mapping WHERE external_user_id = ?");

  function find(userId: string, type: IdType): MappingRow | undefined {
    if (type === "SUPERTOKENS") return bySt.get(userId) as MappingRow | undefined;
    if (type === "EXTERNAL") return byExt.get(userId) as MappingRow | undefined;
    // ANY: a SuperTokens user is looked up by that side, anything else as an external id.
    return (accounts.row(userId) ? bySt.get(userId) : byExt.get(userId)) as MappingRow | undefined;
  }

  function nonEmpty(userId: string): string {
    const trimmed = userId.trim();
    if (trimmed === "") throw badRequest("Field name 'userId' cannot be an empty String");
    return trimmed;
  }

  function idType(raw: string | undefined): IdType {
    if (raw === undefined) return "ANY";
    if (raw === "SUPERTOKENS" || raw === "EXTERNAL" || raw === "ANY") return raw;
    throw badRequest("Field name 'userIdType' should be one of 'SUPERTOKENS', 'EXTERNAL' or 'ANY'");
  }

  return [
    {
      method: "POST",
      path: "/recipe/userid/map",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, app, appStorages }) => {
        const st = body.string("superTokensUserId").trim();
        if (st === "") throw badRequest("Field name 'superTokensUserId' cannot be an empty String");
        const external = body.string("externalUserId").trim();
        if (external === "") throw badRequest("Field name 'externalUserId' cannot be an empty String");
        const info = infoOf(body);
        const force = body.optBoolean("force", false);
        app();
        appStorages();
        // The Core's order: the external id's mapping, the user, then (unless forced) clashes and data in use.
        const existing = byExt.get(external) as MappingRow | undefined;
        if (existing) {
          return {
            status: "USER_ID_MAPPING_ALREADY_EXISTS_ERROR",
            doesSuperTokensUserIdExist: existing.supertokens_user_id === st,
            doesExternalUserIdExist: true,
          };
        }
        if (!accounts.row(st)) return { status: "UNKNOWN_SUPERTOKENS_USER_ID_ERROR" };
        if (!force) {
          if (accounts.row(external)) {
            throw badRequest("Cannot create a userId mapping where the externalId is also a SuperTokens userID");
          }
          const inUse = recipesUsingId(db, st, now());
          // Verified emails alone do not block a mapping: they move to the external id.
          if (inUse.length === 1 && inUse[0] === "EmailVerification") moveEmailVerification(db, st, external);
          else if (inUse[0] !== undefined) throw badRequest(`UserId is already in use in ${inUse[0]} recipe`);
        }
        if (bySt.get(st)) {
          return { status: "USER_ID_MAPPING_ALREADY_EXISTS_ERROR", doesSuperTokensUserIdExist: true, doesExternalUserIdExist: false };
        }
        db.prepare("INSERT INTO userid_mapping (supertokens_user_id, external_user_id, external_user_id_info) VALUES (?, ?, ?)").run(
          st,
          external,
          info ?? null,
        );
        return { status: "OK" };
      },
    },
    {
      method: "GET",
      path: "/recipe/userid/map",
      scope: "app",
      checksInHandler: true,
      handler: ({ query, appStorages }) => {
        const userId = nonEmpty(query.string("userId"));
        const type = idType(query.optString("userIdType")?.trim());
        appStorages();
        const row = find(userId, type);
        if (!row) return { status: "UNKNOWN_MAPPING_ERROR" };
        const reply: Record<string, string> = {
          status: "OK",
          superTokensUserId: row.supertokens_user_id,
          externalUserId: row.external_user_id,
        };
        if (row.external_user_id_info !== null) reply.externalUserIdInfo = row.external_user_id_info;
        return reply;
      },
    },
    {
      method: "POST",
      path: "/recipe/userid/map/remove",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, appStorages }) => {
        const userId = nonEmpty(body.string("userId"));
        const type = idType(body.optString("userIdType")?.trim());
        const force = body.optBoolean("force", false);
        appStorages();
        const row = find(userId, type);
        if (!row) return { status: "OK", didMappingExist: false };
        // A mapping whose external id is itself a SuperTokens user id is removed without checks, as in the Core.
        if (!force && !accounts.row(row.external_user_id)) {
          const [recipe] = recipesUsingId(db, row.external_user_id, now());
          if (recipe) throw badRequest(`UserId is already in use in ${recipe} recipe`);
        }
        db.prepare("DELETE FROM userid_mapping WHERE supertokens_user_id = ?").run(row.supertokens_user_id);
        return { status: "OK", didMappingExist: true };
      },
    },
    {
      method: "PUT",
      path: "/recipe/userid/external-user-id-info",
      scope: "app",
      checksInHandler: true,
      handler: ({ body, appStorages }) => {
        const userId = nonEmpty(body.string("userId"));
        const type = idType(body.optString("userIdType")?.trim());
        if (!body.has("externalUserIdInfo")) throw invalidField("externalUserIdInfo");
        const info = infoOf(body);
        appStorages();
        const row = find(userId, type);
        if (!row) return { status: "UNKNOWN_MAPPING_ERROR" };
        db.prepare("UPDATE userid_mapping SET external_user_id_info = ? WHERE supertokens_user_id = ?").run(
          info ?? null,
          row.supertokens_user_id,
        );
        return { status: "OK" };
      },
    },
  ];
}
