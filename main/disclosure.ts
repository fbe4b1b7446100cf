/**
 * What an operator may see of an answer, applied by the dispatcher to every operation's output
 * (lists, details, exports, result files alike), so no service has to remember it:
 * - a sign-in link (magic link, password-reset link) is a credential: roles without
 *   "links:read" get fields named `link` as null and links inside texts replaced;
 * - roles without "phones:read" (auditors) get every phone number masked.
 * The stored data stays whole; only what leaves the main process changes.
 */
import { can, type OperatorRole } from "../shared/contract/permissions.ts";
import { maskPhonesIn } from "../shared/phone-mask.ts";

export const LINK_HIDDEN = "[sign-in link hidden]";

/** A URL that signs someone in: a magic link (preAuthSessionId / linkCode) or a reset or verification link (token). */
const SIGN_IN_URL = /https?:\/\/[^\s"'<>,]*?(?:[?&#](?:preAuthSessionId|linkCode|token)=)[^\s"'<>,]*/gi;

export const hideLinksIn = (text: string): string => text.replace(SIGN_IN_URL, LINK_HIDDEN);

interface Rules {
  links: boolean;
  phones: boolean;
}

/** The output as the role may see it (the same object when nothing needs hiding). */
export function discloseFor<T>(role: OperatorRole, output: T): T {
  const rules: Rules = { links: !can(role, "links:read"), phones: !can(role, "phones:read") };
  if (!rules.links && !rules.phones) return output;
  return walk(output, rules) as T;
}

function walk(value: unknown, rules: Rules): unknown {
  if (typeof value === "string") return text(value, rules);
  if (Array.isArray(value)) return value.map((v) => walk(v, rules));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = rules.links && k === "link" && typeof v === "string" ? null : walk(v, rules);
  return out;
}

function text(value: string, rules: Rules): string {
  let t = value;
  if (rules.links) t = hideLinksIn(t);
  if (rules.phones) t = maskPhonesIn(t);
  return t;
}
