/**
 * Making someone an operator (an admin's invite, or the first admin from the command line): an
 * EmailPassword user on the directory with a password nobody knows, Gatehouse's record in its
 * metadata, the role, and a one-time set-password link. Inviting again someone who never used
 * their link gives a new link (the old one stops working); an active operator is a conflict.
 */
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import type { OperatorDirectory } from "../directory/operator-directory.ts";
import { TeamError } from "../errors.ts";
import { readEmail, readRole } from "../input.ts";
import type { OneTimeLinks } from "../links.ts";
import type { OneTimeLink } from "../types.ts";

export interface CreateOperatorDeps {
  directory: OperatorDirectory;
  links: OneTimeLinks;
  now: () => number;
}

export interface CreatedOperator {
  userId: string;
  email: string;
  role: OperatorRole;
  /** true when the operator was invited before and this is a new link for them. */
  reinvited: boolean;
  link: OneTimeLink;
}

export async function createOperator(deps: CreateOperatorDeps, input: { email?: unknown; role?: unknown }, by: string, linkLifetimeMs: number): Promise<CreatedOperator> {
  const email = readEmail(input.email);
  const role = readRole(input.role);
  const { directory } = deps;
  const { userId, created } = await directory.createUser(email);
  let reinvited = false;
  if (!created) {
    const record = await directory.record(userId);
    const current = await directory.roleOf(userId);
    if (!record) {
      throw new TeamError(
        "CONFLICT",
        `The operator directory already has a user ${email} who is not a Gatehouse operator. Use another email, or remove that user from the directory's Core first.`,
        { field: "email" },
      );
    }
    if (record.passwordSetAt !== null) {
      throw new TeamError("CONFLICT", `${email} is already an operator${current ? ` (${current})` : ""}. Change their role instead.`, { field: "email" });
    }
    reinvited = current !== null;
  }
  // The record first: a user left without it by a crash here is never taken for an operator.
  await directory.writeRecord(userId, { invitedAt: deps.now(), invitedBy: by, passwordSetAt: null });
  await directory.setRole(userId, role);
  const { token, expiresAt } = await deps.links.issue(userId, "set-password", linkLifetimeMs);
  return { userId, email, role, reinvited, link: { url: deps.links.urlFor(token), expiresAt } };
}
