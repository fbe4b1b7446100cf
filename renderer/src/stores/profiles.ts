/** Connection profiles: list, add, edit, remove, switch, test. */
import { createStore } from "zustand/vanilla";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { InputOf } from "../../../shared/contract/index.ts";
import type { ProfileView } from "../../../shared/contract/schemas.ts";
import { toErrorBody } from "../api/errors.ts";
import type { Loadable, ProfileTestResult } from "./types.ts";

export type ProfileCreate = InputOf<"profiles.create">;
export type ProfileUpdate = InputOf<"profiles.update">;
export type ProfileTest = InputOf<"profiles.test">;

export interface ProfilesState extends Loadable {
  profiles: ProfileView[];
  load(): Promise<void>;
  create(input: ProfileCreate): Promise<ProfileView>;
  update(input: ProfileUpdate): Promise<ProfileView>;
  remove(id: string): Promise<void>;
  switchTo(id: string): Promise<ProfileView>;
  test(input: ProfileTest): Promise<ProfileTestResult>;
}

export const createProfilesStore = (client: GatehouseClient) =>
  createStore<ProfilesState>()((set, get) => ({
    status: "idle",
    error: null,
    profiles: [],
    async load() {
      set({ status: get().profiles.length ? "ready" : "loading", error: null });
      try {
        const { profiles } = await client.invoke("profiles.list", {});
        set({ profiles, status: "ready" });
      } catch (err) {
        set({ status: "error", error: toErrorBody(err) });
      }
    },
    async create(input) {
      const profile = await client.invoke("profiles.create", input);
      await get().load();
      return profile;
    },
    async update(input) {
      const profile = await client.invoke("profiles.update", input);
      await get().load();
      return profile;
    },
    async remove(id) {
      await client.invoke("profiles.remove", { id });
      await get().load();
    },
    async switchTo(id) {
      const profile = await client.invoke("profiles.switch", { id });
      await get().load();
      return profile;
    },
    test: (input) => client.invoke("profiles.test", input),
  }));

export type ProfilesStore = ReturnType<typeof createProfilesStore>;
