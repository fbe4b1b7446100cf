/** A small hash router: #/users, #/users/<id>, #/roles, #/migration, #/audit, #/connections, #/operators, … */
import { useSyncExternalStore } from "react";

export type Route =
  | { page: "users" }
  | { page: "user"; userId: string }
  | { page: "roles" }
  | { page: "invites" }
  | { page: "allowlists" }
  | { page: "jobs" }
  | { page: "second-factor" }
  | { page: "migration" }
  | { page: "audit" }
  | { page: "connections" }
  | { page: "operators" }
  | { page: "not-found"; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/\/+$/, "");
  const [, first, second, ...rest] = path.split("/");
  if (!first) return { page: "users" };
  if (first === "users" && second && rest.length === 0) {
    try {
      return { page: "user", userId: decodeURIComponent(second) };
    } catch {
      return { page: "not-found", path };
    }
  }
  if (!second && (first === "users" || first === "roles" || first === "invites" || first === "allowlists" || first === "jobs" || first === "second-factor" || first === "migration" || first === "audit" || first === "connections" || first === "operators")) return { page: first };
  return { page: "not-found", path };
}

export function hrefFor(route: Exclude<Route, { page: "not-found" }>): string {
  return route.page === "user" ? `#/users/${encodeURIComponent(route.userId)}` : `#/${route.page}`;
}

export const userHref = (userId: string): string => hrefFor({ page: "user", userId });

export function navigate(href: string): void {
  if (window.location.hash !== href) window.location.hash = href;
}

const subscribe = (onChange: () => void) => {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
