/**
 * The command line's part (cli.ts): the first admin, or any operator, added by whoever runs the
 * server (they hold its data folder, so they are trusted as an admin is), and a new set-password
 * link for an operator locked out of their account. Both print a one-time link and are audited,
 * without the link.
 */
import type { TeamAudit } from "../audit.ts";
import type { OperatorDirectory } from "../directory/operator-directory.ts";
import { TeamError } from "../errors.ts";
import { readEmail } from "../input.ts";
import type { OneTimeLinks } from "../links.ts";
import type { OneTimeLink } from "../types.ts";
import { createOperator, type CreatedOperator } from "./create-operator.ts";

export interface AddOperatorDeps {
  directory: OperatorDirectory;
  links: OneTimeLinks;
  audit: TeamAudit;
  now: () => number;
}

/** A link printed on a terminal by its owner: a day is enough. */
export const CLI_LINK_MS = 24 * 3_600_000;

export async function addOperator(deps: AddOperatorDeps, input: { email?: unknown; role?: unknown }, by: string, linkLifetimeMs = CLI_LINK_MS): Promise<CreatedOperator> {
  const audit = (outcome: "ok" | "error", detail: string) =>
    deps.audit.record({ operation: "team.addOperator", actor: by, role: "cli", target: typeof input.email === "string" ? input.email : null, address: null, outcome, detail });
  try {
    const created = await createOperator(deps, input, by, linkLifetimeMs);
    await audit("ok", `${created.reinvited ? "invited again" : "added"} as ${created.role}; one-time set-password link printed`);
    return created;
  } catch (err) {
    await audit("error", err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** A new set-password link for an existing operator (the old password works until it is used). */
export async function passwordLink(deps: AddOperatorDeps, rawEmail: unknown, by: string, linkLifetimeMs = CLI_LINK_MS): Promise<{ email: string; link: OneTimeLink }> {
  const email = readEmail(rawEmail);
  const userId = await deps.directory.findByEmail(email);
  const role = userId === undefined ? null : await deps.directory.roleOf(userId);
  if (userId === undefined || role === null) {
    await deps.audit.record({ operation: "team.passwordLink", actor: by, role: "cli", target: email, address: null, outcome: "error", detail: "not an operator" });
    throw new TeamError("NOT_FOUND", `${email} is not an operator. Add them with add-operator.`, { field: "email" });
  }
  const { token, expiresAt } = await deps.links.issue(userId, "set-password", linkLifetimeMs);
  await deps.audit.record({ operation: "team.passwordLink", actor: by, role: "cli", target: email, address: null, outcome: "ok", detail: "one-time set-password link printed" });
  return { email, link: { url: deps.links.urlFor(token), expiresAt } };
}
