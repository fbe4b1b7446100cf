/** A page served by a Gatehouse team server: set password, sign in, or the console (the same App as the desktop). */
import { useMemo } from "react";
import { useStore } from "zustand";
import type { Probe, TeamApi } from "../api/team.ts";
import { App } from "../app/App.tsx";
import { createGate } from "./gate.ts";
import { SetPasswordScreen } from "./SetPasswordScreen.tsx";
import { SignInScreen } from "./SignInScreen.tsx";
import { TeamContext } from "./TeamContext.tsx";

export function TeamApp({ api, probe, setPasswordToken }: { api: TeamApi; probe: Probe; setPasswordToken: string | null }) {
  const gate = useMemo(() => createGate(api, probe, setPasswordToken), [api, probe, setPasswordToken]);
  const screen = useStore(gate, (s) => s.screen);
  const team = useMemo(() => ({ api, gate }), [api, gate]);
  return (
    <TeamContext.Provider value={team}>
      {screen.kind === "set-password" ? (
        <SetPasswordScreen token={screen.token} />
      ) : screen.kind === "sign-in" ? (
        <SignInScreen notice={screen.notice} email={screen.email} />
      ) : (
        // A new session gets a new App: its stores, subscriptions and loaded pages start afresh.
        <App key={screen.session.operator.sessionId} stores={screen.stores} />
      )}
    </TeamContext.Provider>
  );
}
