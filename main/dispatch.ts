/**
 * The single door into the main process, for every transport (Electron IPC, HTTP): it validates
 * the input, checks the caller's role, runs the operation, validates the output, writes an
 * audit entry for every change (refused and failed ones too) and every refused read, hides from
 * the answer what the role may not see (main/disclosure.ts), and answers with an envelope.
 */
import { z } from "zod";
import { OPERATIONS, isOperationName, type OperationName, type Operations } from "../shared/contract/index.ts";
import { type Envelope, GatehouseError } from "../shared/contract/errors.ts";
import { permissionFor, type PermissionOf } from "../shared/contract/allowances.ts";
import type { Caller } from "../shared/contract/caller.ts";
import { can } from "../shared/contract/permissions.ts";
import type { JsonObject } from "../shared/contract/schemas.ts";
import { discloseFor } from "./disclosure.ts";
import type { EventBus } from "./events.ts";
import type { AuditTrail } from "./services/audit/trail.ts";
import type { ProfilesService } from "./services/profiles.ts";

/** Each operation's handler: its validated input, and who called (for the role, the operator, the audit). */
export type Handlers = {
  [N in OperationName]: (input: z.output<Operations[N]["input"]>, caller: Caller) => Promise<z.input<Operations[N]["output"]>> | z.input<Operations[N]["output"]>;
};

export interface DispatcherDeps {
  handlers: Handlers;
  profiles: ProfilesService;
  audit: AuditTrail;
  events: EventBus;
  /**
   * Where a deployment asks more than the contract's permission for an operation: the team server
   * makes switching the active profile (shared by every operator there) an admin's change.
   */
  permissionOf?: PermissionOf;
}

/** Input fields never written to the audit log in clear. */
const SECRET_FIELDS = new Set(["apiKey", "password", "newPassword", "smtpPassword", "legacyToken", "rosterCsv"]);

export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Runs one call for `caller`, whose role is checked and whose name (and address) the audit records. */
  async invoke(name: string, rawInput: unknown, caller: Caller): Promise<Envelope<unknown>> {
    if (!isOperationName(name)) return fail(new GatehouseError({ code: "NOT_FOUND", message: `There is no operation "${name}".` }));
    const spec = OPERATIONS[name];
    const { role } = caller;
    const permission = permissionFor(name, this.deps.permissionOf);
    // The profile in force when the call came in (a change may rename or remove it).
    const profile = this.deps.profiles.active()?.name ?? "(none)";
    const parsed = spec.input.safeParse(rawInput ?? {});
    const input = parsed.success ? parsed.data : rawInput;

    // Changes are audited, and so is every refusal: a read refused is someone trying what their role may not.
    // Answers why the entry could not be written (the store went away), or null when it was.
    const audit = async (outcome: "ok" | "error", detail: string | null, refused = false): Promise<string | null> => {
      if (!spec.mutates && !refused) return null;
      try {
        const entry = await this.deps.audit.append({
          operator: caller.operator,
          address: caller.address,
          role,
          profile,
          operation: name,
          target: targetOf(spec.target, input),
          input: redact(isObject(input) ? input : { value: input }),
          outcome,
          detail,
        });
        this.deps.events.emit("audit.appended", { seq: entry.seq, operation: name });
        return null;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    };
    const failAudited = async (error: GatehouseError, refused = false) => {
      const unaudited = await audit("error", `${error.code}: ${error.message}`, refused);
      return fail(unaudited === null ? error : new GatehouseError({ ...error.toBody(), message: `${error.message} (The audit entry of this could not be written: ${unaudited})` }));
    };

    // The role is checked before the input: a refused change is refused (and audited) whatever it holds.
    if (!can(role, permission)) {
      const refused = new GatehouseError({
        code: "FORBIDDEN",
        message: `The ${role} role cannot do "${spec.summary}" (it needs ${permission}).${caller.sessionId === undefined ? " Switch to a profile with a role that may." : " Ask an admin of this Gatehouse server."}`,
      });
      return failAudited(refused, true);
    }
    if (!parsed.success) return fail(validationError(parsed.error));

    let value: unknown;
    try {
      const handler = this.deps.handlers[name] as (i: unknown, c: Caller) => unknown;
      const output = spec.output.safeParse(await handler(input, caller));
      if (!output.success) {
        throw new GatehouseError({ code: "INTERNAL", message: `"${name}" produced an answer that does not match its declaration: ${output.error.issues[0]?.message ?? ""}` });
      }
      value = output.data;
    } catch (err) {
      return failAudited(err instanceof GatehouseError ? err : new GatehouseError({ code: "INTERNAL", message: err instanceof Error ? err.message : String(err) }));
    }
    const unaudited = await audit("ok", auditDetailOf(spec, value));
    if (unaudited !== null) {
      return fail(new GatehouseError({ code: "INTERNAL", message: `"${spec.summary}" was done, but its audit entry could not be written: ${unaudited}` }));
    }
    // What the role may not see (sign-in links, phones for auditors) never leaves main, whatever the operation.
    return { ok: true, value: discloseFor(role, value) };
  }
}

/** The declared audit detail of a successful change, if any (never fails the change itself). */
function auditDetailOf(spec: { auditDetail?: (output: never) => string }, output: unknown): string | null {
  try {
    return (spec.auditDetail as ((o: unknown) => string) | undefined)?.(output) ?? null;
  } catch {
    return null;
  }
}

const fail = (error: GatehouseError): Envelope<never> => ({ ok: false, error: error.toBody() });

function validationError(error: z.ZodError): GatehouseError {
  const issue = error.issues[0];
  const field = issue?.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[") ?? "";
  return new GatehouseError({
    code: "VALIDATION",
    message: field ? `${field}: ${issue?.message ?? "is not valid"}` : (issue?.message ?? "The input is not valid."),
    ...(field ? { field } : {}),
  });
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The audit target of an input, when the declaration names one and the input allows it. */
function targetOf(target: ((input: never) => string | undefined) | undefined, input: unknown): string | null {
  try {
    return (target as ((i: unknown) => string | undefined) | undefined)?.(input) ?? null;
  } catch {
    return null;
  }
}

function redact(input: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(input)) out[k] = SECRET_FIELDS.has(k) && v !== undefined && v !== null ? "[redacted]" : v;
  return out;
}
