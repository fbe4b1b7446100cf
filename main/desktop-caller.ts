/**
 * The caller on the desktop (Electron or browser mode): the OS account that runs Gatehouse, with
 * the role of the active connection profile. The desktop's doors (IPC, the local HTTP server)
 * build it per call, so a profile switch changes the role of the very next call.
 */
import { userInfo } from "node:os";
import type { Caller } from "../shared/contract/caller.ts";
import type { OperatorRole } from "../shared/contract/permissions.ts";
import type { ProfilesService } from "./services/profiles.ts";

/** The role in force: the active profile's; with no profile at all, admin (to set one up). */
export function roleInForce(profiles: ProfilesService): OperatorRole {
  const active = profiles.active();
  if (active) return active.role;
  return profiles.list().length === 0 ? "admin" : "auditor";
}

export function desktopCaller(profiles: ProfilesService, operator: string): Caller {
  return { operator, role: roleInForce(profiles), address: null };
}

/** The OS account's name, for the audit log. */
export function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "operator";
  }
}
