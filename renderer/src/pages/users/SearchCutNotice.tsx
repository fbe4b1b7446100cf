/**
 * Says plainly when the Core cut a search's matches. The Core answers a search with at most
 * 1,000 users per sign-in method and no way to ask for the rest, so the only way to reach the
 * others is a longer prefix.
 */
import { recipeLabel } from "../../lib/format.ts";
import type { SearchInfo } from "../../stores/users.ts";

const and = (items: string[]): string => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`);

export function SearchCutNotice({ search, text }: { search: SearchInfo; text: string }) {
  if (search.capped.length === 0) return null;
  const methods = and(search.capped.map(recipeLabel));
  return (
    <p className="list-cut" role="status" data-testid="users-search-cut">
      <strong>Not every match is listed.</strong> The Core returns at most 1,000 matches per sign-in method, and {methods}{" "}
      {search.capped.length === 1 ? "reached" : "each reached"} that for “{text}”: {search.matches.toLocaleString()} shown of more. Type more of the email
      or phone number to narrow the search (a search matches the start of an email, of its domain, or of a phone number in +country form).
    </p>
  );
}
