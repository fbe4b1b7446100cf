import type { z } from "zod";
import type { Permission } from "./permissions.ts";

/**
 * One operation the renderer can ask the main process for: its input and output schemas, the
 * permission it needs, and whether it changes anything (then it is audited).
 */
export interface OperationSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  permission: Permission;
  mutates: boolean;
  /** One line for the audit log and docs. */
  summary: string;
  /** The audit log's "target" for this input (a user id, role name, profile id, ...). */
  target?: (input: z.infer<I>) => string | undefined;
  /** What the audit entry's detail records when the change succeeds (e.g. before and after). */
  auditDetail?: (output: z.infer<O>) => string;
}

export const op = <I extends z.ZodType, O extends z.ZodType>(spec: OperationSpec<I, O>): OperationSpec<I, O> => spec;

/** An event the main process pushes to the renderer. */
export interface EventSpec<P extends z.ZodType = z.ZodType> {
  payload: P;
}

export const event = <P extends z.ZodType>(payload: P): EventSpec<P> => ({ payload });
