/** Hands the team server's API and sign-in state to the shell (account menu); null on the desktop. */
import { createContext, useContext } from "react";
import type { TeamApi } from "../api/team.ts";
import type { Gate } from "./gate.ts";

export interface Team {
  api: TeamApi;
  gate: Gate;
}

export const TeamContext = createContext<Team | null>(null);

/** The team server's API and sign-in state, or null when this is not a team server's page. */
export const useTeam = (): Team | null => useContext(TeamContext);
