/**
 * The signed-in operator in the header (email and role) and what they do for themselves: sign
 * out, sign out everywhere, two-step sign-in. A disclosure, not an ARIA menu: Tab moves through
 * its buttons, Escape closes it and returns to its button.
 */
import { useEffect, useId, useRef, useState } from "react";
import { useStore } from "zustand";
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import { TeamApiError } from "../api/team.ts";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { isoDateTime, plural } from "../lib/format.ts";
import { TeamErrorBanner } from "./TeamErrorBanner.tsx";
import { useTeam } from "./TeamContext.tsx";
import { TwoStepDialog } from "./TwoStepDialog.tsx";
import { useTeamAction } from "./useTeamAction.ts";

export function AccountMenu({ role }: { role: OperatorRole }) {
  const team = useTeam();
  if (!team) throw new Error("AccountMenu needs a team server.");
  const { api, gate } = team;
  const screen = useStore(gate, (s) => s.screen);
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<"everywhere" | "two-step" | null>(null);
  // What this page knows of the operator's second factor (the session answer may not say).
  const [secondFactor, setSecondFactor] = useState<boolean | undefined>(screen.kind === "console" ? screen.session.operator.secondFactor : undefined);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  const signOut = useTeamAction(async () => {
    try {
      await api.signOut();
    } catch (err) {
      // Already over on the server: signed out all the same.
      if (!(err instanceof TeamApiError && err.status === 401)) throw err;
    }
    gate.getState().signedOut("You signed out.");
  });

  // A click outside closes the panel.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  if (screen.kind !== "console") return null;
  const { operator, expiresAt } = screen.session;
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div
      className="account-menu"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          e.stopPropagation();
          close();
        }
      }}
    >
      <button type="button" ref={button} className="account-menu__button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)} data-testid="account-menu">
        <span data-testid="account-email">{operator.email}</span>{" "}
        <span className={`role-badge role-badge--${role}`} data-testid="role-badge" title={`Your role on this Gatehouse server: ${role}`}>
          {role}
        </span>{" "}
        <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <div className="account-menu__panel" id={panelId} role="group" aria-label="Your account" data-testid="account-panel">
          <p>
            Signed in as <strong>{operator.email}</strong> with the role <strong>{role}</strong>.
            <br />
            <span className="muted">This session ends at {isoDateTime(expiresAt)} at the latest.</span>
          </p>
          <button type="button" onClick={() => void signOut.run()} disabled={signOut.pending} autoFocus data-testid="sign-out">
            {signOut.pending ? "Signing out…" : "Sign out"}
          </button>
          <button type="button" onClick={() => (setOpen(false), setDialog("everywhere"))} data-testid="sign-out-everywhere">
            Sign out everywhere…
          </button>
          <button type="button" onClick={() => (setOpen(false), setDialog("two-step"))} data-testid="two-step-open">
            Two-step sign-in…
          </button>
          {signOut.error ? <TeamErrorBanner error={signOut.error} title="Could not sign out" onDismiss={signOut.reset} /> : null}
        </div>
      ) : null}
      {dialog === "everywhere" ? (
        <ConfirmDialog
          title="Sign out everywhere?"
          confirmLabel="Sign out everywhere"
          danger={false}
          testId="sign-out-everywhere-dialog"
          onCancel={() => setDialog(null)}
          onConfirm={async () => {
            const { endedSessions } = await api.signOutEverywhere();
            gate.getState().signedOut(`You signed out everywhere: ${plural(endedSessions, "session")} ended.`);
          }}
        >
          <p>
            Every session of <strong>{operator.email}</strong> ends at once: this one and those in other browsers and on other computers. Do this if you signed in somewhere
            you should not stay signed in, or think someone else may be using your session.
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog === "two-step" ? <TwoStepDialog on={secondFactor} onChange={setSecondFactor} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
