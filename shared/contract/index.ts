/**
 * The contract between renderer and main: every operation and event, declared once. Types on
 * both sides are derived from these declarations.
 */
import type { z } from "zod";
import { allowListOps } from "./operations/allowlists.ts";
import { auditOps } from "./operations/audit.ts";
import { connectionOps } from "./operations/connection.ts";
import { inviteOps } from "./operations/invites.ts";
import { jobsOps } from "./operations/jobs.ts";
import { migrationOps } from "./operations/migration.ts";
import { migrationEndOps } from "./operations/migration-end.ts";
import { operatorOps } from "./operations/operators.ts";
import { profileOps } from "./operations/profiles.ts";
import { roleOps } from "./operations/roles.ts";
import { secondFactorOps } from "./operations/second-factor.ts";
import { serverOps } from "./operations/servers.ts";
import { userOps } from "./operations/users.ts";

export const OPERATIONS = {
  ...connectionOps,
  ...profileOps,
  ...serverOps,
  ...userOps,
  ...roleOps,
  ...auditOps,
  ...inviteOps,
  ...jobsOps,
  ...allowListOps,
  ...secondFactorOps,
  ...migrationOps,
  ...migrationEndOps,
  ...operatorOps,
};

export type Operations = typeof OPERATIONS;
export type OperationName = keyof Operations;
export type InputOf<N extends OperationName> = z.input<Operations[N]["input"]>;
export type OutputOf<N extends OperationName> = z.output<Operations[N]["output"]>;

export const isOperationName = (name: string): name is OperationName => Object.hasOwn(OPERATIONS, name);

export * from "./errors.ts";
export * from "./permissions.ts";
export * from "./events.ts";
export type { Caller } from "./caller.ts";
export type { OperationSpec } from "./define.ts";
