/** How fresh the local user index is, in words (the Migration screen and the Users list say it alike). */
import type { IndexFreshness } from "../../../../shared/contract/operations/migration.ts";
import { isoDateTime, plural } from "../../lib/format.ts";
import { formatDuration } from "./forecast.ts";

export const ago = (ms: number): string => (ms < 60_000 ? "less than a minute ago" : `${formatDuration(ms)} ago`);

/** "380 SuperTokens users indexed, refreshed 4 minutes ago, at … (last full scan …)", or that there is no index yet. */
export function freshnessText(index: IndexFreshness): string {
  if (index.state === "none" || index.refreshedAt === null) return "The user index has not been built for this connection yet: scan to build it.";
  const full = index.builtAt !== null && index.builtAt !== index.refreshedAt ? ` (last full scan ${isoDateTime(index.builtAt)})` : "";
  return `${plural(index.users, "SuperTokens user")} indexed, refreshed ${ago(index.ageMs ?? 0)}, at ${isoDateTime(index.refreshedAt)}${full}.`;
}
