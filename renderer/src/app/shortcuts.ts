/** Keyboard shortcuts that work from anywhere: Ctrl+K / Cmd+K search, Alt+1…9 switch pages. */
import { useEffect } from "react";
import { navigate } from "./router.ts";

export const NAV_ITEMS = [
  { href: "#/users", label: "Users", key: "1", page: "users" },
  { href: "#/roles", label: "Roles", key: "2", page: "roles" },
  { href: "#/audit", label: "Audit log", key: "3", page: "audit" },
  { href: "#/connections", label: "Connections", key: "4", page: "connections" },
  { href: "#/invites", label: "Invites", key: "5", page: "invites" },
  { href: "#/allowlists", label: "Allow-lists", key: "6", page: "allowlists" },
  { href: "#/jobs", label: "Jobs", key: "7", page: "jobs" },
  { href: "#/second-factor", label: "Second factor", key: "8", page: "second-factor" },
  { href: "#/migration", label: "Migration", key: "9", page: "migration" },
] as const;

export const isMac = (): boolean => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function isQuickSearchKey(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k";
}

export function useGlobalShortcuts(openQuickSearch: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isQuickSearchKey(event)) {
        event.preventDefault();
        openQuickSearch();
        return;
      }
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        // event.code, so Alt+digit works on layouts where Alt changes the character (macOS).
        const item = NAV_ITEMS.find((i) => event.code === `Digit${i.key}` || event.key === i.key);
        if (item) {
          event.preventDefault();
          navigate(item.href);
        }
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [openQuickSearch]);
}
