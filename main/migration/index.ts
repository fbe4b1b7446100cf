/** The migration area (issue 13): roster, user index, snapshots, criterion, lists and reports. */
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { Handlers } from "../dispatch.ts";
import type { AnyJobKind } from "../jobs/kind.ts";

type MigrationOpName = Extract<keyof Handlers, `migration.${string}`>;

const notYet = (): never => {
  throw new GatehouseError({ code: "INTERNAL", message: "The migration area is being built." });
};

export function createMigration(): { handlers: Pick<Handlers, MigrationOpName>; jobKinds: AnyJobKind[] } {
  const handlers = {
    "migration.source.get": notYet,
    "migration.source.importCsv": notYet,
    "migration.source.setService": notYet,
    "migration.source.read": notYet,
    "migration.scan.start": notYet,
    "migration.scan.status": notYet,
    "migration.summary": notYet,
    "migration.history": notYet,
    "migration.rate": notYet,
    "migration.criterion.get": notYet,
    "migration.criterion.set": notYet,
    "migration.list": notYet,
    "migration.export": notYet,
    "migration.report": notYet,
  } as Pick<Handlers, MigrationOpName>;
  return { handlers, jobKinds: [] };
}
