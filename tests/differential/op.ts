/**
 * One step of a sequence: an operation kind and its arguments as symbols (see world.ts), so a
 * sequence is plain JSON that prints as a readable script and runs the same on any Core.
 */
import type { ArgGen } from "./args.ts";
import type { World } from "./world.ts";

export type Args = Record<string, unknown>;

export interface Op {
  k: string;
  a: Args;
}

export interface OpKind {
  /** How often the generator picks it, relative to the others. */
  weight: number;
  gen(g: ArgGen): Args;
  /** Runs the step with resolved arguments; records what it created in the world. */
  run(a: Args, w: World): Promise<unknown>;
}

function show(v: unknown): string {
  if (typeof v === "string") return /^\$[A-Z]+\d*[\^~*]?$/.test(v) ? v.slice(1) : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v)
      .map(([k, x]) => `${/^[A-Za-z_]\w*$/.test(k) ? k : JSON.stringify(k)}: ${show(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

/** `EmailPassword.signUp(tenant=T1, email=E2, password="Password123!")` */
export function formatOp(op: Op): string {
  const args = Object.entries(op.a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(", ");
  return `${op.k}(${args})`;
}

/** What the symbols in a printed script stand for. */
export const SYMBOL_LEGEND = [
  "T1, T2: tenants of this run (t1-{ns}); T1^: T1 in upper case; NOPE: a tenant that never exists",
  "E0..E3: emails ({ns}-e0@example.com); E1^: E1 upper-cased with spaces around; EU: a unicode email",
  "P0..P3: phone numbers (E.164, +4477…); P1~: P1 written as +44 77xx xxxxxx",
  "Uk: the SuperTokens id of the (k mod n)-th user created so far; Uk*: its public id (external id once mapped)",
  "X0..X2: external ids; S0..S2: synthetic ids (no user); R0..R3: roles",
  "Ck: the (k mod n)-th Passwordless code created; SSk: the k-th session; RTk / EVk: reset / verification tokens",
].join("\n");
