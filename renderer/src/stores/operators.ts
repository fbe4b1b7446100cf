/**
 * Operators of a team server, for admins: the list, and invite, role change, removal and second
 * factor reset. An invite's set-password link is handed back to the form that asked and never
 * kept here, so it is shown once and gone when the form is closed.
 */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import { toErrorBody } from "../api/errors.ts";
import type { Invited, Loadable, OperatorView } from "./types.ts";

export interface OperatorsState extends Loadable {
  operators: OperatorView[];
  load(): Promise<void>;
  invite(email: string, role: OperatorRole): Promise<Invited>;
  setRole(userId: string, role: OperatorRole): Promise<{ operator: OperatorView; endedSessions: number }>;
  remove(userId: string): Promise<{ email: string; endedSessions: number }>;
  resetSecondFactor(userId: string): Promise<{ email: string; removed: boolean }>;
}

export const createOperatorsStore = (client: GatehouseClient) =>
  createStore<OperatorsState>()((set, get) => {
    const replace = (operator: OperatorView) => set({ operators: get().operators.map((o) => (o.userId === operator.userId ? operator : o)) });
    return {
      status: "idle",
      error: null,
      operators: [],
      async load() {
        set({ status: "loading", error: null });
        try {
          const { operators } = await client.invoke("operators.list", {});
          set({ operators, status: "ready" });
        } catch (err) {
          set({ status: "error", error: toErrorBody(err) });
        }
      },
      async invite(email, role) {
        const invited = await client.invoke("operators.invite", { email, role });
        const { operator } = invited;
        set({ operators: [...get().operators.filter((o) => o.userId !== operator.userId), operator].sort((a, b) => a.email.localeCompare(b.email)) });
        return invited;
      },
      async setRole(userId, role) {
        const answer = await client.invoke("operators.setRole", { userId, role });
        replace(answer.operator);
        return answer;
      },
      async remove(userId) {
        const answer = await client.invoke("operators.remove", { userId });
        set({ operators: get().operators.filter((o) => o.userId !== userId) });
        return answer;
      },
      async resetSecondFactor(userId) {
        const answer = await client.invoke("operators.resetSecondFactor", { userId });
        set({ operators: get().operators.map((o) => (o.userId === userId ? { ...o, secondFactor: false } : o)) });
        return answer;
      },
    };
  });

export type OperatorsStore = ReturnType<typeof createOperatorsStore>;
