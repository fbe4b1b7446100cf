import type { PermissionOf } from "../../shared/contract/allowances.ts";

/**
 * What a team server asks more than the contract does: the Core connections are its configuration,
 * an admin's (profiles:write). Every operator shares the active profile, so switching it is such a
 * change. Testing a connection may use a saved profile's API key against URIs given in the call
 * (keyFrom), which would send that key wherever a caller points it: an admin's too.
 */
const ADMIN_ON_A_SERVER: ReadonlySet<string> = new Set(["profiles.switch", "profiles.test"]);
export const teamPermissions: PermissionOf = (name, declared) => (ADMIN_ON_A_SERVER.has(name) ? "profiles:write" : declared);
