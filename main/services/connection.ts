/**
 * The active connection: the Core client of the active profile, its status, switching, and
 * "test connection" for any profile or unsaved settings.
 */
import type { z } from "zod";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { connectionOps } from "../../shared/contract/operations/connection.ts";
import type { profileOps } from "../../shared/contract/operations/profiles.ts";
import type { ProfileView } from "../../shared/contract/schemas.ts";
import type { CoreTarget } from "../core/call-context.ts";
import { CoreClient, SUPPORTED_CDI, forgetSdkCdiVersion } from "../core/core-client.ts";
import type { EventBus } from "../events.ts";
import type { ProfileRecord, ProfilesService } from "./profiles.ts";

type Status = z.output<(typeof connectionOps)["connection.status"]["output"]>;
type TestResult = z.output<(typeof profileOps)["profiles.test"]["output"]>;

export interface ActiveConnection {
  profile: ProfileRecord;
  core: CoreClient;
}

export class ConnectionService {
  private cached: { key: string; core: CoreClient } | undefined;

  constructor(
    private readonly profiles: ProfilesService,
    private readonly events: EventBus,
  ) {}

  /** The active profile and a client for its Core; NO_PROFILE when none is active. */
  active(): ActiveConnection {
    const profile = this.profiles.active();
    if (!profile) throw new GatehouseError({ code: "NO_PROFILE", message: "No connection profile is active. Add one under Connections, or switch to one." });
    const target = this.profiles.target(profile);
    const key = JSON.stringify([profile.id, target]);
    if (this.cached?.key !== key) {
      forgetSdkCdiVersion(); // another Core may speak another CDI version
      this.cached = { key, core: new CoreClient(target) };
    }
    return { profile, core: this.cached.core };
  }

  async status(): Promise<Status> {
    let active: ActiveConnection;
    try {
      active = this.active();
    } catch (err) {
      if (err instanceof GatehouseError && err.code === "NO_PROFILE") return { profileId: null, state: "none", cdiVersion: null, message: err.message };
      if (err instanceof GatehouseError) return { profileId: this.profiles.activeId() ?? null, state: "unreachable", cdiVersion: null, message: err.message };
      throw err;
    }
    const result = await probe(active.core);
    return { profileId: active.profile.id, state: result.state, cdiVersion: result.chosen ?? null, message: result.message };
  }

  async switchTo(id: string): Promise<ProfileView> {
    const view = this.profiles.switchTo(id);
    const status = await this.status();
    this.events.emit("connection.changed", { profileId: status.profileId, state: status.state, message: status.message });
    return view;
  }

  /** After the active profile was edited (URI, key, timeout), tell the renderer how it connects now. */
  async announceIfActive(profileId: string): Promise<void> {
    if (this.profiles.activeId() !== profileId) return;
    const status = await this.status();
    this.events.emit("connection.changed", { profileId: status.profileId, state: status.state, message: status.message });
  }

  /** Reachability, CDI versions and tenants of a saved profile or of unsaved settings. */
  async test(target: CoreTarget): Promise<TestResult> {
    const core = new CoreClient(target);
    const result = await probe(core);
    if (result.state !== "connected") {
      return { reachable: result.state !== "unreachable", uri: null, cdiVersions: result.versions, supported: false, tenants: [], message: result.message ?? "" };
    }
    let tenants: string[] = [];
    let message = `Connected. The Core speaks CDI ${result.versions.filter((v) => v.startsWith("5.")).join(", ")}; this console uses ${result.chosen}.`;
    try {
      const list = await core.raw<{ tenants: { tenantId: string }[] }>("GET", "/recipe/multitenancy/tenant/list/v2");
      tenants = list.tenants.map((t) => t.tenantId);
    } catch (err) {
      message += ` Tenants could not be listed: ${err instanceof Error ? err.message : String(err)}`;
    }
    return { reachable: true, uri: target.uris[0] ?? null, cdiVersions: result.versions, supported: true, tenants, message };
  }

  targetFor(profileId: string): CoreTarget {
    return this.profiles.target(this.profiles.get(profileId));
  }
}

interface Probe {
  state: Status["state"];
  versions: string[];
  chosen: string | undefined;
  message: string | null;
}

async function probe(core: CoreClient): Promise<Probe> {
  try {
    const { versions, chosen } = await core.cdiVersions();
    if (!chosen) {
      return {
        state: "incompatible",
        versions,
        chosen,
        message: `The Core speaks CDI ${versions.join(", ")}; this console needs one of ${SUPPORTED_CDI.join(", ")} (SuperTokens Core 9 or newer).`,
      };
    }
    return { state: "connected", versions, chosen, message: null };
  } catch (err) {
    const e = err instanceof GatehouseError ? err : new GatehouseError({ code: "INTERNAL", message: String(err) });
    return { state: e.code === "CORE_AUTH" ? "unauthorised" : "unreachable", versions: [], chosen: undefined, message: e.message };
  }
}
