/**
 * The one email check the console applies wherever an operator gives an address (a single
 * invite, a bulk-invite CSV, an allow-list entry), so all of them agree. It is strict on purpose:
 * an address must also pass supertokens-node's default email validation (the app's sign-up),
 * or the invite or allow-list entry could never be used. So: one "@"; before it, letters and
 * digits of any script and ! # $ % & ' * + / = ? ^ _ ` { | } ~ - in dot-separated runs (no
 * quoted forms, no commas or spaces); after it, an ASCII domain name of two labels or more
 * ending in a TLD of letters (IDNs in their xn-- form), without a trailing dot.
 */

const LOCAL_ATOM = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const TLD = /^[a-z]{2,63}$/i;
/** What people paste by mistake; named in the error so it can be found in the file. */
const STRAY = /[\s,;:<>()[\]\\"]/u;

export const EMAIL_MAX = 254;

/** Why `email` is not an address (a short phrase), or null when it is one. Give it trimmed. */
export function emailProblem(email: string): string | null {
  if (email === "") return "it is empty";
  if (email.length > EMAIL_MAX) return `it is longer than ${EMAIL_MAX} characters`;
  const at = email.split("@");
  if (at.length === 1) return "it has no @";
  if (at.length > 2) return "it has more than one @";
  const [local = "", domain = ""] = at;
  const stray = STRAY.exec(email)?.[0];
  if (stray !== undefined) return `it contains ${/\s/u.test(stray) ? "a space" : stray === '"' ? "a quotation mark" : `"${stray}"`}, which an address cannot have`;
  if (local === "") return "nothing comes before the @";
  if (local.length > 64) return "the part before the @ is longer than 64 characters";
  if (local.split(".").some((atom) => !LOCAL_ATOM.test(atom))) {
    return local.startsWith(".") || local.endsWith(".") || local.includes("..")
      ? "the part before the @ starts or ends with a dot, or has two dots in a row"
      : "the part before the @ has a character an address cannot have";
  }
  if (domain === "") return "nothing comes after the @";
  if (domain.endsWith(".")) return "it ends with a dot";
  const labels = domain.split(".");
  if (labels.length < 2) return `"${domain}" is not a full domain name (like example.com)`;
  if (domain.length > 253 || !labels.every((l) => DOMAIN_LABEL.test(l)) || !TLD.test(labels[labels.length - 1] ?? "")) {
    return `"${domain}" is not a domain name (like example.com)`;
  }
  return null;
}

export const isEmail = (email: string): boolean => emailProblem(email) === null;
