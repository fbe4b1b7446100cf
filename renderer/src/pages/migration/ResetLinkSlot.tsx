/**
 * PLACE FOR H-D (issue 13): the password-reset link for a user on a temporary password.
 * Support and admins (permission "links:read") send one link at a time from the "Temporary
 * password" list (`migration.resetLink*`, shared/contract/operations/migration-end.ts); admins send
 * them to everyone as a job. Until that contract lands this renders nothing and the list shows no
 * column for it (RESET_LINKS_WIRED).
 */
import type { MigrationRow } from "../../../../shared/contract/operations/migration.ts";

export const RESET_LINKS_WIRED = false;

export function ResetLinkSlot(_props: { row: MigrationRow }) {
  return null;
}
