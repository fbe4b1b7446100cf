/**
 * The embedded core's schema, step by step (append-only: a step that has shipped is never
 * edited). A database records the number of steps it has had in core_meta.schema_version; a new
 * one gets every step, an older one the steps it lacks.
 */
import { BULK_IMPORT_SCHEMA } from "./bulk-import-schema.ts";
import { SCHEMA } from "./schema.ts";

export const SCHEMA_STEPS: readonly string[] = [SCHEMA, BULK_IMPORT_SCHEMA];

export const SCHEMA_VERSION = SCHEMA_STEPS.length;
