/** Keyboard shortcuts that work from anywhere: Ctrl+K / Cmd+K search, Alt+0…9 switch pages. */
import { useEffect, useMemo } from "react";
import { useStore } from "zustand";
import type { Permission } from "../../../shared/contract/permissions.ts";
import { hasPermission } from "../stores/session.ts";
import type { Whoami } from "../stores/types.ts";
import { navigate, type Route } from "./router.ts";
import { useStores } from "./StoresContext.tsx";

export interface NavItem {
  href: string;
  label: string;
  key: string;
  page: Route["page"];
  /** Shown only to roles with this permission. */
  permission?: Permission;
  /** Shown only on a Gatehouse team server. */
  teamOnly?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "#/users", label: "Users", key: "1", page: "users" },
  { href: "#/roles", label: "Roles", key: "2", page: "roles" },
  { href: "#/audit", label: "Audit log", key: "3", page: "audit" },
  { href: "#/connections", label: "Connections", key: "4", page: "connections" },
  { href: "#/invites", label: "Invites", key: "5", page: "invites" },
  { href: "#/allowlists", label: "Allow-lists", key: "6", page: "allowlists" },
  { href: "#/jobs", label: "Jobs", key: "7", page: "jobs" },
  { href: "#/second-factor", label: "Second factor", key: "8", page: "second-factor" },
  { href: "#/migration", label: "Migration", key: "9", page: "migration" },
  { href: "#/operators", label: "Operators", key: "0", page: "operators", permission: "operators:manage", teamOnly: true },
];

export const navItemVisible = (item: NavItem, whoami: Whoami | null): boolean =>
  (!item.permission || hasPermission(whoami, item.permission)) && (!item.teamOnly || whoami?.mode === "team");

/** The pages this operator may open, in order. */
export function useNavItems(): readonly NavItem[] {
  const { session } = useStores();
  const whoami = useStore(session, (s) => s.whoami);
  return useMemo(() => NAV_ITEMS.filter((item) => navItemVisible(item, whoami)), [whoami]);
}

export const isMac = (): boolean => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function isQuickSearchKey(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k";
}

export function useGlobalShortcuts(openQuickSearch: () => void, items: readonly NavItem[] = NAV_ITEMS): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (isQuickSearchKey(event)) {
        event.preventDefault();
        openQuickSearch();
        return;
      }
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        // event.code, so Alt+digit works on layouts where Alt changes the character (macOS).
        const item = items.find((i) => event.code === `Digit${i.key}` || event.key === i.key);
        if (item) {
          event.preventDefault();
          navigate(item.href);
        }
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [openQuickSearch, items]);
}
