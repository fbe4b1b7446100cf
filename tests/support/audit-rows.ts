/** Every audit entry in a Gatehouse SQLite store, oldest first, read directly (for synchronous test fixtures). */
import { toEntry, type AuditRow } from "../../main/services/audit/chain.ts";
import type { StoreDb } from "../../main/store/database.ts";
import type { AuditEntry } from "../../shared/contract/schemas.ts";

export const auditEntriesIn = (db: StoreDb): AuditEntry[] => (db.prepare("SELECT * FROM audit_log ORDER BY seq").all() as AuditRow[]).map(toEntry);
