/** The top bar: active profile, operator and role badge (on a team server, the account menu), connection status, quick search. */
import { useStore } from "zustand";
import { AccountMenu } from "../team/AccountMenu.tsx";
import { useTeam } from "../team/TeamContext.tsx";
import { useStores } from "./StoresContext.tsx";
import { isMac } from "./shortcuts.ts";

const STATE_LABELS = { connected: "Connected", unreachable: "Core unreachable", unauthorised: "API key not accepted", incompatible: "Core version not supported", none: "No profile" } as const;

export function Header() {
  const { session, ui } = useStores();
  const team = useTeam();
  const whoami = useStore(session, (s) => s.whoami);
  const connection = useStore(session, (s) => s.connection);
  const state = connection?.state;
  return (
    <header className="app-header">
      <div className="app-header__profile" data-testid="active-profile">
        {whoami?.profile ? (
          <>
            <span className="muted">Profile</span> <strong>{whoami.profile.name}</strong>
          </>
        ) : (
          <a href="#/connections">No active profile — choose one</a>
        )}
      </div>
      {state ? (
        <a href="#/connections" className={`conn conn--${state}`} title={connection?.message ?? undefined} data-testid="connection-status">
          <span className="conn__dot" aria-hidden="true" />
          {STATE_LABELS[state]}
          {state === "connected" && connection?.cdiVersion ? <span className="muted"> · CDI {connection.cdiVersion}</span> : null}
        </a>
      ) : null}
      <span className="toolbar__spacer" />
      <button type="button" className="quick-search-button" onClick={() => ui.getState().openQuickSearch()} aria-keyshortcuts="Control+K Meta+K" data-testid="quick-search-open">
        Find user… <kbd>{isMac() ? "⌘K" : "Ctrl+K"}</kbd>
      </button>
      {whoami && team ? (
        <AccountMenu role={whoami.role} />
      ) : whoami ? (
        <span className="app-header__operator">
          {whoami.operator}{" "}
          <span className={`role-badge role-badge--${whoami.role}`} data-testid="role-badge" title={`Operator role on this profile: ${whoami.role}`}>
            {whoami.role}
          </span>
        </span>
      ) : null}
    </header>
  );
}
