/**
 * What sending a reset link needs, per profile: the invite settings (where links land, SMTP), the
 * reset template, the outbox scope. Jobs read it at most once a second (not once per item), so a
 * settings change reaches a running job within a second.
 */
import type { CoreClient } from "../../core/core-client.ts";
import type { ActiveConnection } from "../../services/connection.ts";
import type { InviteSettingsStore } from "../../services/invites/settings.ts";
import type { InviteStore } from "../../services/invites/store/invite-store.ts";
import type { ProfileRecord } from "../../services/profiles.ts";
import type { DeliveryContext } from "./deliver.ts";
import type { CommittingMailer } from "./mailer.ts";
import type { ResetLinkSettingsStore } from "./settings.ts";

export interface ResetLinkDeps {
  inviteSettings: InviteSettingsStore;
  resetSettings: ResetLinkSettingsStore;
  /** The invites store: its outbox takes reset mail when there is no SMTP. */
  records: InviteStore;
  mailer: CommittingMailer;
  now: () => number;
  profileFor: (profileId: string) => ProfileRecord;
  /** The invites' outbox scope of a profile's Core. */
  scopeOf: (active: ActiveConnection) => string;
}

export type ProfileContext = DeliveryContext & { profile: ProfileRecord };

export async function deliveryContext(deps: ResetLinkDeps, profileId: string, core: CoreClient): Promise<ProfileContext> {
  const profile = deps.profileFor(profileId);
  const { settings, smtp } = await deps.inviteSettings.withSmtp(profileId);
  return {
    profile,
    core,
    profileId,
    scope: deps.scopeOf({ profile, core }),
    invite: settings,
    smtp,
    template: await deps.resetSettings.template(profileId),
    mailer: deps.mailer,
    records: deps.records,
    now: deps.now,
  };
}

/** deliveryContext per job, read again after a second. */
export function perJobContexts(deps: ResetLinkDeps): (jobId: string, profileId: string, core: CoreClient) => Promise<ProfileContext> {
  const cache = new Map<string, { at: number; value: Promise<ProfileContext> }>();
  return (jobId, profileId, core) => {
    const hit = cache.get(jobId);
    const now = Date.now();
    if (hit && now - hit.at < 1000) return hit.value;
    const value = deliveryContext(deps, profileId, core);
    cache.set(jobId, { at: now, value });
    // A failed read is not kept: the next item reads again.
    value.catch(() => cache.delete(jobId));
    if (cache.size > 64) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
