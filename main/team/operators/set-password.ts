/**
 * Using a set-password link: the password (checked against the rule before the link is used up)
 * goes to the directory's Core, the link is spent, and any session the operator had ends.
 */
import type { TeamAudit } from "../audit.ts";
import type { OperatorDirectory } from "../directory/operator-directory.ts";
import { TeamError } from "../errors.ts";
import { readString } from "../input.ts";
import type { OneTimeLinks } from "../links.ts";
import { passwordProblem } from "../../../shared/operator-password.ts";
import type { Sessions } from "../sessions/sessions.ts";

export interface SetPasswordDeps {
  directory: OperatorDirectory;
  links: OneTimeLinks;
  sessions: Sessions;
  audit: TeamAudit;
  now: () => number;
}

export async function setPassword(deps: SetPasswordDeps, input: { token?: unknown; password?: unknown }, address: string): Promise<{ email: string }> {
  const password = readString(input.password, "password", 4096);
  const link = await deps.links.check(input.token, "set-password");
  const { directory } = deps;
  const email = await directory.emailOf(link.userId);
  if (email === undefined) throw new TeamError("LINK_INVALID", "This operator was removed. Ask an admin for a new invite.");
  const problem = passwordProblem(password, email);
  if (problem) throw new TeamError("VALIDATION", `password: ${problem}`, { field: "password" });
  // An operator given their role on the Core by hand has no record yet: this starts it.
  const record = (await directory.record(link.userId)) ?? { invitedAt: deps.now(), invitedBy: "(not recorded)", passwordSetAt: null };
  await deps.links.use(input.token, "set-password");
  try {
    if (!(await directory.setPassword(link.userId, password))) throw new TeamError("LINK_INVALID", "This operator was removed. Ask an admin for a new invite.");
    await directory.writeRecord(link.userId, { ...record, passwordSetAt: deps.now() });
  } catch (err) {
    // The password did not take: the link stays good for another try.
    await deps.links.release(link);
    throw err;
  }
  const ended = await deps.sessions.endAllOf(link.userId);
  await deps.audit.record({
    operation: "team.setPassword",
    actor: email,
    role: "-",
    target: email,
    address,
    outcome: "ok",
    detail: ended > 0 ? `password set with a one-time link; ${ended} session(s) ended` : "password set with a one-time link",
  });
  return { email };
}
