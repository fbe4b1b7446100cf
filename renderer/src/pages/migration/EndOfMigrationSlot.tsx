/**
 * PLACE FOR H-D (issue 13): the end-of-migration job panel (admin) — dry run, then accounts for
 * every not-yet-migrated roster user with reset links, progress and ETA, result CSV
 * (`migrationEnd.*` in shared/contract/operations/migration-end.ts) — and the admin's "reset links
 * to everyone on a temporary password" job. Renders nothing until that contract lands.
 */
export function EndOfMigrationSlot() {
  return null;
}
