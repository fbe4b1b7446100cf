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

  /**
   * Reachability, CDI versions and tenants of a saved profile or of unsaved settings. Each URI is
   * probed on its own, so the result names the one that answered (not merely the first listed)
   * and says which others did not.
   */
  async test(target: CoreTarget): Promise<TestResult> {
    const probes = await Promise.all(target.uris.map(async (uri) => ({ uri, ...(await probe(new CoreClient({ ...target, uris: [uri] }), target.apiKey !== undefined)) })));
    const uris = probes.map((p) => ({ uri: p.uri, state: testState(p), message: p.message ?? `Connected; CDI ${p.chosen ?? "?"}.` }));
    // The URI calls would go to first: the first that connects, else the first that answered at all.
    const best = probes.find((p) => p.state === "connected") ?? probes.find((p) => p.state !== "unreachable") ?? probes[0];
    if (!best) return { reachable: false, uri: null, state: "unreachable", cdiVersions: [], supported: false, tenants: [], message: "No Core URI to test.", uris };
    const others = probes.filter((p) => p !== best && p.state !== "connected");
    // Each URI's own reason is in `uris`; the message only names them.
    const aside = others.length ? ` Did not connect: ${others.map((p) => p.uri).join(", ")}.` : "";
    const state = testState(best);
    if (best.state !== "connected") {
      const reachable = best.state !== "unreachable";
      return { reachable, uri: reachable ? best.uri : null, state, cdiVersions: best.versions, supported: false, tenants: [], message: (best.message ?? "") + aside, uris };
    }
    let tenants: string[] = [];
    const via = target.uris.length > 1 ? ` through ${best.uri}` : "";
    let message = `Connected${via}. The Core speaks CDI ${best.versions.filter((v) => v.startsWith("5.")).join(", ")}; this console uses ${best.chosen}.`;
    try {
      const list = await new CoreClient({ ...target, uris: [best.uri] }).raw<{ tenants: { tenantId: string }[] }>("GET", "/recipe/multitenancy/tenant/list/v2");
      tenants = list.tenants.map((t) => t.tenantId);
    } catch (err) {
      message += ` Tenants could not be listed: ${err instanceof Error ? err.message : String(err)}`;
    }
    return { reachable: true, uri: best.uri, state, cdiVersions: best.versions, supported: true, tenants, message: message + aside, uris };
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
  /** With "unauthorised": no key was sent at all. */
  keyMissing?: boolean;
}

/** `hasKey`: whether a key was sent, so a refusal can say "missing" rather than "wrong". */
async function probe(core: CoreClient, hasKey = core.target.apiKey !== undefined): Promise<Probe> {
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
    if (e.code === "CORE_AUTH") {
      return {
        state: "unauthorised",
        versions: [],
        chosen: undefined,
        keyMissing: !hasKey,
        message: hasKey
          ? `The SuperTokens Core at ${core.label} refused the API key. Check the profile's API key (one of the api_keys in the Core's config).`
          : `The SuperTokens Core at ${core.label} needs an API key, and none is set. Add one of the api_keys from the Core's config to the profile.`,
      };
    }
    return { state: "unreachable", versions: [], chosen: undefined, message: e.message };
  }
}

function testState(p: Probe): TestResult["state"] {
  if (p.state === "unauthorised") return p.keyMissing ? "key-missing" : "key-refused";
  return p.state === "none" ? "unreachable" : p.state;
}
