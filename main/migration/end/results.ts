/**
 * What an end-of-migration item reports, on both paths: its outcome in words, the account (legacy
 * id and SuperTokens id), and its reset link's delivery. The result file is these columns; it
 * never holds a password or hash (reset links are hidden from roles without links:read).
 */
import type { MigrationEndItem } from "../../../shared/contract/operations/migration-end.ts";
import type { PreparedItem } from "../../jobs/kind.ts";
import { plural } from "../../jobs/plural.ts";
import type { Delivered } from "../reset-links/deliver.ts";

export type EndResult = {
  outcome: string;
  userId: string;
  superTokensId: string;
  link: string;
  expiresAt: string;
  delivery: string;
  messageId: string;
};

export const END_INPUT_COLUMNS = ["legacyId", "email", "tenantId", "emailVerified", "password"] as const;
export const END_RESULT_COLUMNS = ["outcome", "userId", "superTokensId", "link", "expiresAt", "delivery", "messageId"] as const;

export function doneResult(item: MigrationEndItem, superTokensId: string, created: boolean, delivered: Delivered | null): EndResult {
  const made = created ? "account created" : "account in place";
  const link = delivered ? (delivered.delivery === "sent" ? "reset link mailed" : "reset link in the outbox") : "keeps the legacy password (no reset link)";
  return {
    outcome: `${made}; ${link}`,
    userId: item.legacyId,
    superTokensId,
    link: delivered?.link ?? "",
    expiresAt: delivered ? new Date(delivered.expiresAt).toISOString() : "",
    delivery: delivered?.delivery ?? "",
    messageId: delivered?.messageId ?? "",
  };
}

export const skippedResult = (why: string): EndResult => ({ outcome: `skipped: ${why}`, userId: "", superTokensId: "", link: "", expiresAt: "", delivery: "", messageId: "" });

/** Counts of a plan, for its summary line and migrationEnd.plan. */
export function countPlan(items: readonly { input: { password?: unknown }; error?: string | undefined }[]): { accounts: number; keepPassword: number; resetLinks: number; conflicts: number; alreadyMigrated: number } {
  const valid = items.filter((i) => !i.error);
  return {
    accounts: valid.length,
    keepPassword: valid.filter((i) => i.input.password === "legacy hash").length,
    resetLinks: valid.filter((i) => i.input.password === "temporary").length,
    conflicts: items.filter((i) => i.error?.startsWith("conflict")).length,
    alreadyMigrated: items.filter((i) => i.error && !i.error.startsWith("conflict")).length,
  };
}

export function describeEnd(path: string, input: { tenantId?: string | undefined }, items: readonly PreparedItem<MigrationEndItem>[]): string {
  const c = countPlan(items);
  return (
    `end of migration${input.tenantId ? ` in ${input.tenantId}` : ""} (${path}): ${plural(c.accounts, "account")} to create ` +
    `(${plural(c.resetLinks, "reset link")}, ${c.keepPassword} keeping their password), ${plural(c.conflicts, "conflict")} skipped` +
    (c.alreadyMigrated ? `, ${c.alreadyMigrated} already migrated` : "")
  );
}
