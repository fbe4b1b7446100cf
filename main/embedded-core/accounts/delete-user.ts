import type { Db } from "../storage/db.ts";
import type { Accounts } from "./accounts.ts";
import { removeNonAuthData } from "./user-data.ts";

interface Mapping {
  st: string;
  ext: string;
}

/** UserIdMapping.getUserIdMapping(ANY): the mapping naming the id on either side; of two, the one where it is the SuperTokens id. */
function mappingOf(db: Db, anyId: string): Mapping | undefined {
  const rows = db
    .prepare("SELECT supertokens_user_id AS st, external_user_id AS ext FROM userid_mapping WHERE supertokens_user_id = ? OR external_user_id = ?")
    .all(anyId, anyId) as Mapping[];
  return rows.length > 1 ? rows.find((m) => m.st === anyId) : rows[0];
}

/**
 * POST /user/remove, as the Core's AuthRecipe.deleteUser decides it. Without a mapping, the user
 * and what other recipes keep under its id go (metadata, roles, sessions in every tenant, email
 * verification). With one, the user named by the mapping's SuperTokens id goes, with the data
 * kept under the external id — unless the external id is itself a SuperTokens user id (a
 * migration between recipes): then only the login method named by the given id goes, and no
 * other data at all. The mapping, tenant memberships and reset tokens go with the user. Data
 * under other ids stays: the seeds' "emailAllowList", a separate 2FA Passwordless user named in
 * this user's metadata, pending Passwordless codes for its email. Unknown ids are not an error,
 * and an id that only has metadata or roles is left alone.
 */
export function makeDeleteUser(db: Db, accounts: Accounts): (anyId: string) => void {
  return (anyId) => {
    const mapping = mappingOf(db, anyId);
    let authId = anyId;
    let dataId: string | null = anyId;
    if (mapping) {
      const externalIsAUser = accounts.row(mapping.ext) !== undefined;
      authId = externalIsAUser ? anyId : mapping.st;
      dataId = externalIsAUser ? null : mapping.ext;
    }
    if (!accounts.row(authId)) return;
    if (dataId !== null) removeNonAuthData(db, dataId);
    db.prepare("DELETE FROM users WHERE user_id = ?").run(authId); // mapping, tenants and reset tokens cascade
  };
}
