import { CORE_MIGRATIONS } from "./core.ts";
import { INVITES_MIGRATIONS } from "./invites.ts";
import { JOBS_MIGRATIONS } from "./jobs.ts";
import { MIGRATION_END_MIGRATIONS } from "./migration-end.ts";
import { MIGRATION_MIGRATIONS } from "./migration.ts";
import { SECOND_FACTOR_MIGRATIONS } from "./second-factor.ts";
import { SERVERS_MIGRATIONS } from "./servers.ts";
import { TEAM_MIGRATIONS } from "./team.ts";

/**
 * Each area of the main process keeps its own numbered migrations (append-only: never edit a
 * step that has shipped). Adding an area: one file here and one line below.
 */
export const MIGRATIONS: Readonly<Record<string, readonly string[]>> = {
  core: CORE_MIGRATIONS,
  invites: INVITES_MIGRATIONS,
  jobs: JOBS_MIGRATIONS,
  "migration-end": MIGRATION_END_MIGRATIONS,
  "second-factor": SECOND_FACTOR_MIGRATIONS,
  migration: MIGRATION_MIGRATIONS,
  servers: SERVERS_MIGRATIONS,
  team: TEAM_MIGRATIONS,
};
