/**
 * Who makes a call: it travels with every call into the dispatcher, and every service that needs
 * the operator or the role takes it from here, never from a setting of its own.
 * - On the desktop: the OS account and the active profile's role (desktopCaller in main/).
 * - On the team server: the signed-in operator, the role the server gives them, the address the
 *   request came from and the session's public id.
 */
import type { OperatorRole } from "./permissions.ts";

export interface Caller {
  /** The name the audit log records: the OS user on the desktop, the operator's email on a server. */
  operator: string;
  role: OperatorRole;
  /** The client's address on a team server (after the trusted-proxy rule); null on the desktop. */
  address: string | null;
  /** The team server's public id of the session (never a way to use it); absent on the desktop. */
  sessionId?: string;
}
