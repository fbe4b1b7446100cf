/**
 * Where a page served by a team server is: setting a password from a one-time link, signing in,
 * or in the console with a session. The console's stores are made anew for each session, so
 * nothing one operator loaded is shown to the next; the route (the URL's hash) is left alone, so
 * after signing in again the operator is back on the page they were on.
 */
import { createStore } from "zustand/vanilla";
import { makeClient } from "../api/client.ts";
import type { Probe, TeamApi, TeamSession } from "../api/team.ts";
import { SESSION_ENDED, teamTransport } from "../api/team-transport.ts";
import { createStores, type Stores } from "../stores/index.ts";

export interface GateNotice {
  tone: "info" | "warn";
  text: string;
}

export type Screen =
  | { kind: "set-password"; token: string }
  | { kind: "sign-in"; notice: GateNotice | null; email: string }
  | { kind: "console"; session: TeamSession; stores: Stores };

export interface GateState {
  screen: Screen;
  signedIn(session: TeamSession): void;
  /** The server refused the session (401): back to sign-in, saying why. */
  sessionEnded(): void;
  /** The operator signed out (here, or everywhere). */
  signedOut(text: string): void;
  passwordSet(email: string): void;
  /** From the set-password screen to sign-in without setting one. */
  toSignIn(): void;
}

export function createGate(api: TeamApi, probe: Probe, setPasswordToken: string | null) {
  const gate = createStore<GateState>()((set, get) => {
    const transport = teamTransport(api, () => get().sessionEnded());
    const consoleFor = (session: TeamSession): Screen => ({ kind: "console", session, stores: createStores(makeClient(transport)) });
    const signIn = (notice: GateNotice | null, email = ""): Screen => ({ kind: "sign-in", notice, email });
    const first = (): Screen => {
      if (setPasswordToken !== null) return { kind: "set-password", token: setPasswordToken };
      if (probe.status === "signed-in") return consoleFor(probe.session);
      if (probe.status === "unavailable") return signIn({ tone: "warn", text: `Could not check your session: ${probe.error.message}` });
      return signIn(null);
    };
    return {
      screen: first(),
      signedIn: (session) => set({ screen: consoleFor(session) }),
      sessionEnded() {
        const { screen } = get();
        // Several calls in flight end together: the first one decides.
        if (screen.kind !== "console") return;
        set({ screen: signIn({ tone: "warn", text: SESSION_ENDED }, screen.session.operator.email) });
      },
      signedOut(text) {
        const { screen } = get();
        set({ screen: signIn({ tone: "info", text }, screen.kind === "console" ? screen.session.operator.email : "") });
      },
      passwordSet: (email) => set({ screen: signIn({ tone: "info", text: `Your password is set. Sign in with it.` }, email) }),
      toSignIn: () => set({ screen: signIn(null) }),
    };
  });
  return gate;
}

export type Gate = ReturnType<typeof createGate>;
