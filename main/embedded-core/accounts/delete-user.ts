import type { Db } from "../storage/db.ts";
import type { Accounts } from "./accounts.ts";
import { removeNonAuthData } from "./user-data.ts";

/**
 * POST /user/remove: deletes the user and what other recipes keep under its id — the external id
 * once mapped — (metadata, roles, sessions in every tenant, email verification), its mapping and
 * reset tokens. Data under other ids stays: the seeds' "emailAllowList", a separate 2FA
 * Passwordless user named in this user's metadata, pending Passwordless codes for its email.
 * Unknown ids are not an error, and an id that only has metadata or roles is left alone.
 */
export function makeDeleteUser(db: Db, accounts: Accounts): (anyId: string) => void {
  return (anyId) => {
    const found = accounts.resolve(anyId);
    if (!found) return;
    const stId = found.row.user_id;
    const external = accounts.externalIdOf(stId);
    removeNonAuthData(db, external !== undefined && !accounts.row(external) ? external : stId);
    db.prepare("DELETE FROM users WHERE user_id = ?").run(stId); // mapping, tenants and reset tokens cascade
  };
}
