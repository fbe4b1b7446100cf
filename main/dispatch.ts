/**
 * The single door into the main process, for every transport (Electron IPC, HTTP): it validates
 * the input, checks the operator's role, runs the operation, validates the output, writes an
 * audit entry for every change (refused and failed ones too), hides from the answer what the role
 * may not see (main/disclosure.ts), and answers with an envelope.
 */
import { z } from "zod";
import { OPERATIONS, isOperationName, type OperationName, type Operations } from "../shared/contract/index.ts";
import { type Envelope, GatehouseError } from "../shared/contract/errors.ts";
import { can, type OperatorRole } from "../shared/contract/permissions.ts";
import type { JsonObject } from "../shared/contract/schemas.ts";
import { discloseFor } from "./disclosure.ts";
import type { EventBus } from "./events.ts";
import type { AuditLog } from "./services/audit-log.ts";
import type { ProfilesService } from "./services/profiles.ts";

export type Handlers = {
  [N in OperationName]: (input: z.output<Operations[N]["input"]>) => Promise<z.input<Operations[N]["output"]>> | z.input<Operations[N]["output"]>;
};

export interface DispatcherDeps {
  handlers: Handlers;
  profiles: ProfilesService;
  audit: AuditLog;
  events: EventBus;
  /** Who operates this console (the OS account), for the audit log. */
  operator: string;
}

/** Input fields never written to the audit log in clear. */
const SECRET_FIELDS = new Set(["apiKey", "password", "newPassword", "smtpPassword", "legacyToken", "rosterCsv"]);

/** The role in force: the active profile's; with no profile at all, admin (to set one up). */
export function roleInForce(profiles: ProfilesService): OperatorRole {
  const active = profiles.active();
  if (active) return active.role;
  return profiles.list().length === 0 ? "admin" : "auditor";
}

export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  role(): OperatorRole {
    return roleInForce(this.deps.profiles);
  }

  async invoke(name: string, rawInput: unknown): Promise<Envelope<unknown>> {
    if (!isOperationName(name)) return fail(new GatehouseError({ code: "NOT_FOUND", message: `There is no operation "${name}".` }));
    const spec = OPERATIONS[name];
    const role = this.role();
    // The profile in force when the call came in (a change may rename or remove it).
    const profile = this.deps.profiles.active()?.name ?? "(none)";
    const parsed = spec.input.safeParse(rawInput ?? {});
    const input = parsed.success ? parsed.data : rawInput;

    const audit = (outcome: "ok" | "error", detail: string | null) => {
      if (!spec.mutates) return;
      const entry = this.deps.audit.append({
        operator: this.deps.operator,
        role,
        profile,
        operation: name,
        target: targetOf(spec.target, input),
        input: redact(isObject(input) ? input : { value: input }),
        outcome,
        detail,
      });
      this.deps.events.emit("audit.appended", { seq: entry.seq, operation: name });
    };

    // The role is checked before the input: a refused change is refused (and audited) whatever it holds.
    if (!can(role, spec.permission)) {
      const refused = new GatehouseError({
        code: "FORBIDDEN",
        message: `The ${role} role cannot do "${spec.summary}" (it needs ${spec.permission}). Switch to a profile with a role that may.`,
      });
      audit("error", `${refused.code}: ${refused.message}`);
      return fail(refused);
    }
    if (!parsed.success) return fail(validationError(parsed.error));

    try {
      const handler = this.deps.handlers[name] as (i: unknown) => unknown;
      const output = spec.output.safeParse(await handler(input));
      if (!output.success) {
        throw new GatehouseError({ code: "INTERNAL", message: `"${name}" produced an answer that does not match its declaration: ${output.error.issues[0]?.message ?? ""}` });
      }
      audit("ok", auditDetailOf(spec, output.data));
      // What the role may not see (sign-in links, phones for auditors) never leaves main, whatever the operation.
      return { ok: true, value: discloseFor(role, output.data) };
    } catch (err) {
      const error = err instanceof GatehouseError ? err : new GatehouseError({ code: "INTERNAL", message: err instanceof Error ? err.message : String(err) });
      audit("error", `${error.code}: ${error.message}`);
      return fail(error);
    }
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
