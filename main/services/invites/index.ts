/** The invites area, built from its dependencies, and its operations wired for the dispatcher. */
import type { Handlers } from "../../dispatch.ts";
import type { AnyJobKind } from "../../jobs/kind.ts";
import { invitesBulkKind } from "../../jobs/kinds/invites-bulk.ts";
import { SmtpMailer, type Mailer } from "../../mail/mailer.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";
import type { ActiveConnection } from "../connection.ts";
import type { ProfileRecord } from "../profiles.ts";
import { InvitesService } from "./service.ts";
import { InviteSettingsStore } from "./settings.ts";
import type { InviteStore } from "./store/invite-store.ts";

export interface InvitesAreaDeps {
  /** Where invites, the outbox, the settings and bulk marks are kept (SQLite, or a team's PostgreSQL). */
  store: InviteStore;
  secrets: SecretBox;
  now: () => number;
  connection: () => ActiveConnection;
  rolesChanged: () => void;
  /** The embedded local core's URL, when this process runs one. */
  embeddedCoreUrl: () => string | undefined;
  mailer?: Mailer;
  /** A profile by id (bulk invite jobs run for the profile they were planned for); without it, no "invites.bulk" kind. */
  profileFor?: (profileId: string) => ProfileRecord;
}

/** Which Core a connection is to: invites (and the outbox) are kept per Core, so every profile on it sees them. */
export function inviteScope({ profile, core }: ActiveConnection, embeddedCoreUrl: string | undefined): string {
  const norm = (u: string) => u.trim().replace(/\/+$/, "").toLowerCase();
  const uris = core.target.uris.map(norm).sort();
  if (profile.embedded || (embeddedCoreUrl !== undefined && uris.length === 1 && uris[0] === norm(embeddedCoreUrl))) return "embedded";
  return uris.join(";");
}

type InviteOpName = Extract<keyof Handlers, `invites.${string}`>;

export function inviteHandlers(deps: InvitesAreaDeps): Pick<Handlers, InviteOpName> {
  return createInvites(deps).handlers;
}

/** The invites area: its operations, and the "invites.bulk" job kind for the job engine. */
export function createInvites(deps: InvitesAreaDeps): { handlers: Pick<Handlers, InviteOpName>; jobKinds: AnyJobKind[] } {
  const settings = new InviteSettingsStore(deps.store, deps.secrets, deps.now);
  const records = deps.store;
  const scopeOf = (active: ActiveConnection): string => inviteScope(active, deps.embeddedCoreUrl());
  const mailer = deps.mailer ?? new SmtpMailer();
  const service = new InvitesService({ ...deps, scopeOf, settings, records, mailer });
  const profileId = () => deps.connection().profile.id;
  const scope = () => scopeOf(deps.connection());
  const outbox = () => ({ scope: scope(), profile: profileId() });
  const profileFor = deps.profileFor;
  const jobKinds: AnyJobKind[] = profileFor
    ? [invitesBulkKind({ settings, records, mailer, now: deps.now, profileFor, scopeOf, rolesChanged: deps.rolesChanged })]
    : [];
  const handlers: Pick<Handlers, InviteOpName> = {
    "invites.create": (i, caller) => service.create(i, caller),
    "invites.resend": (i) => service.resend(i),
    "invites.revoke": (i) => service.revoke(i),
    "invites.list": (i) => service.list(i),
    "invites.sync": (i) => service.sync(i),
    "invites.outbox.list": (i) => {
      const { scope, profile } = outbox();
      return records.outboxPage(scope, profile, i);
    },
    "invites.outbox.export": (i) => {
      const { scope, profile } = outbox();
      return records.outboxAll(scope, profile, i.includeHandled).then((entries) => ({ jsonl: entries.map((e) => JSON.stringify(e) + "\n").join(""), count: entries.length }));
    },
    "invites.outbox.markHandled": (i) => {
      const { scope, profile } = outbox();
      return records.markHandled(scope, profile, i, deps.now()).then((marked) => ({ marked }));
    },
    "invites.settings.get": () => settings.get(profileId()),
    "invites.settings.update": (i) => settings.update(profileId(), i),
  };
  return { handlers, jobKinds };
}
