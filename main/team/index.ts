/**
 * The team server's operators: who they are, how they sign in, and what admins do with them.
 *
 * Where things live, and why:
 * - The directory is a SuperTokens Core (directory/): operators are EmailPassword users (the Core
 *   hashes and checks passwords), their role a UserRoles role `gatehouse-operator:<role>`, and
 *   Gatehouse's note on them (invited by, password set) a UserMetadata key. Only holders of such a
 *   role can sign in. The directory wants a Core (or, on a licensed Core, an app) of its own: by
 *   default an embedded core in the data folder (operator-core.ts); operators in the `public`
 *   tenant, because a tenant other than public needs a licence on a real Core (402) and would not
 *   isolate anyway (user ids, deleteUser and metadata are app-wide). `tenantId` is there for a
 *   licensed Core shared with an app, where removing an operator still deletes that user.
 * - Sessions are the team store's (sessions/), not the Core's Session recipe. Ending a session at
 *   once means checking it on every request, so the Core's JWT access token would buy nothing and
 *   cost a Core call per request; its refresh rotation needs the frontend SDK's cross-tab locking
 *   the renderer does not have; idle and absolute expiry are not per-session settings there (the
 *   refresh-token lifetime is Core-wide, shared with an app's users on a Core the admin points at,
 *   and has no absolute limit). An opaque token in an httpOnly cookie, hashed in the store, gives
 *   all three and scales out with the store (PostgreSQL later). The role is re-read from the Core
 *   every `roleCheckMs`, so changes made on the Core behind Gatehouse's back take effect too.
 * - TOTP is implemented here (totp/): the embedded core has no TOTP recipe; secrets are sealed by
 *   the SecretBox in the team store, as are one-time links (hashed) and the sign-in throttle.
 * - The audit goes through a small interface (audit.ts), logs through `log`; neither ever gets a
 *   password, code, token, link or key.
 */
import type { CoreClient } from "../core/core-client.ts";
import type { SecretBox } from "../secrets/secret-box.ts";
import type { TeamAudit } from "./audit.ts";
import { DirectoryCdi, type Log } from "./directory/cdi.ts";
import { OperatorDirectory } from "./directory/operator-directory.ts";
import { OneTimeLinks } from "./links.ts";
import { OperatorAdmin } from "./operators/admin.ts";
import { setPassword } from "./operators/set-password.ts";
import { Sessions } from "./sessions/sessions.ts";
import { SignIn } from "./sign-in/sign-in.ts";
import { ACCOUNT_POLICY, ADDRESS_POLICY, SignInThrottle, type ThrottlePolicy } from "./sign-in/throttle.ts";
import type { TeamStore } from "./store/team-store.ts";
import { SecondFactor } from "./totp/second-factor.ts";
import { SelfService } from "./self-service.ts";
import { DEFAULT_LIMITS, type TeamLimits } from "./types.ts";

export interface TeamOptions {
  /** The directory's Core (see operator-core.ts) and the tenant operators live in. */
  core: CoreClient;
  tenantId?: string;
  store: TeamStore;
  secrets: SecretBox;
  audit: TeamAudit;
  /** The server's public base URL, for set-password links. */
  publicUrl: string;
  now?: () => number;
  log?: Log;
  limits?: Partial<TeamLimits>;
  throttle?: { account?: ThrottlePolicy; address?: ThrottlePolicy };
}

export interface Team {
  directory: OperatorDirectory;
  sessions: Sessions;
  signIn: SignIn;
  self: SelfService;
  admin: OperatorAdmin;
  links: OneTimeLinks;
  secondFactor: SecondFactor;
  limits: TeamLimits;
  now: () => number;
  log: Log;
  setPassword(input: { token?: unknown; password?: unknown }, address: string): Promise<{ email: string }>;
}

export async function createTeam(options: TeamOptions): Promise<Team> {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  const limits: TeamLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const directory = new OperatorDirectory(new DirectoryCdi(options.core, options.tenantId ?? "public", log));
  await directory.ensureRoles();
  const { store, audit } = options;
  const links = new OneTimeLinks(store, now, options.publicUrl);
  const sessions = new Sessions(store, directory, now, limits);
  const secondFactor = new SecondFactor(store, options.secrets, now);
  const throttle = new SignInThrottle(store, now, { account: options.throttle?.account ?? ACCOUNT_POLICY, address: options.throttle?.address ?? ADDRESS_POLICY });
  return {
    directory,
    sessions,
    links,
    secondFactor,
    limits,
    now,
    log,
    signIn: new SignIn({ directory, sessions, secondFactor, links, throttle, audit, log, limits }),
    self: new SelfService({ sessions, secondFactor, audit }),
    admin: new OperatorAdmin({ directory, links, sessions, secondFactor, store, now, limits }),
    setPassword: (input, address) => setPassword({ directory, links, sessions, audit, now }, input, address),
  };
}

export { auditLogSink, type TeamAudit } from "./audit.ts";
export { TeamError } from "./errors.ts";
export { SqliteTeamStore } from "./store/sqlite-team-store.ts";
export type { Caller, OperatorView, TeamLimits } from "./types.ts";
