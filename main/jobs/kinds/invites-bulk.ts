/**
 * "invites.bulk": invite many people from a CSV (email or phone, tenant, roles), as the single
 * invite does (main/services/invites/service.ts): a Passwordless user, the invite record in their
 * metadata, the roles, a magic link delivered by mail or to the outbox.
 *
 * The dry run (prepare) validates every row with its line number (invites-csv.ts), lists tenants
 * and roles once each, flags repeated rows (same contact and tenant: the later ones), and looks
 * up who already exists, to say per row what will happen.
 *
 * runItem is idempotent. Each item's progress is kept in invite_bulk_items before and after each
 * step: "signing-up" before Passwordless.signInUp (itself idempotent for the same email or phone:
 * a second call signs the existing user in), "recorded" once the invite record and roles are
 * there, "delivered" with the result once the link went out. A repeat after a crash therefore
 * finds the user it created (and still treats it as invited by this job), never creates a second
 * one, and returns the stored result instead of mailing again once a link was delivered.
 */
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import type { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import { invitesBulkInput, type InvitesBulkItem } from "../../../shared/contract/operations/jobs.ts";
import type { InviteRecord } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { Mailer } from "../../mail/mailer.ts";
import type { ActiveConnection } from "../../services/connection.ts";
import { mapLimit } from "../../services/concurrency.ts";
import { createMagicLink, deliverLink } from "../../services/invites/delivery.ts";
import type { Contact } from "../../services/invites/normalize.ts";
import type { InviteRecords } from "../../services/invites/records.ts";
import type { InviteSettingsStore } from "../../services/invites/settings.ts";
import type { ProfileRecord } from "../../services/profiles.ts";
import type { StoreDb } from "../../store/database.ts";
import type { JobKind, PreparedItem } from "../kind.ts";
import { readInviteCsv } from "./invites-csv.ts";

type Input = z.output<typeof invitesBulkInput>;
/** What the dry run expects: a new user, a new link for an existing one, or nothing (exists without a passwordless login). */
type Action = "invite" | "link" | "skip";
type Item = InvitesBulkItem & { action: Action };
type Result = {
  outcome: string;
  userId: string;
  link: string;
  /** ISO time the link stops working ("" when none was made). */
  expiresAt: string;
  delivery: string;
  deliveryError: string;
};

const LOOKUP_CONCURRENCY = 16;
const ITEM_CONCURRENCY = 8;
const PLAN: Record<Action, string> = {
  invite: "invite new user",
  link: "already exists: send a new link",
  skip: "skip: already exists without a passwordless login",
};

export interface InvitesBulkDeps {
  db: StoreDb;
  settings: InviteSettingsStore;
  records: InviteRecords;
  mailer: Mailer;
  now: () => number;
  operator: string;
  profileFor: (profileId: string) => ProfileRecord;
  scopeOf: (active: ActiveConnection) => string;
  rolesChanged: () => void;
}

interface Mark {
  phase: "signing-up" | "recorded" | "delivered";
  user_id: string | null;
  created: number;
  result: string | null;
}

type SdkUser = Awaited<ReturnType<typeof supertokens.listUsersByAccountInfo>>[number];

const contactOf = (item: InvitesBulkItem): Contact => (item.email ? { email: item.email } : { phoneNumber: item.phoneNumber });

/** The user with a passwordless login for exactly this contact in the tenant, else any user with the contact. */
function classify(users: SdkUser[], tenantId: string, contact: Contact): { passwordless?: SdkUser; other?: SdkUser } {
  const passwordless = users.find((u) =>
    u.loginMethods.some((m) => m.recipeId === "passwordless" && m.tenantIds.includes(tenantId) && ("email" in contact ? m.email === contact.email : m.phoneNumber === contact.phoneNumber)),
  );
  return passwordless ? { passwordless } : users[0] ? { other: users[0] } : {};
}

export function invitesBulkKind(deps: InvitesBulkDeps): JobKind<Input, Item, Result> {
  const marks = {
    get: deps.db.prepare("SELECT phase, user_id, created, result FROM invite_bulk_items WHERE job_id = ? AND item_index = ?"),
    set: deps.db.prepare(
      `INSERT INTO invite_bulk_items (job_id, item_index, phase, user_id, created, result, updated_at) VALUES (@job, @index, @phase, @user, @created, @result, @at)
       ON CONFLICT (job_id, item_index) DO UPDATE SET phase = excluded.phase, user_id = excluded.user_id, created = excluded.created, result = excluded.result, updated_at = excluded.updated_at`,
    ),
  };
  const mark = (job: string, index: number, phase: Mark["phase"], user: string | null, created: boolean, result: Result | null = null) =>
    marks.set.run({ job, index, phase, user, created: created ? 1 : 0, result: result ? JSON.stringify(result) : null, at: deps.now() });

  /** Per job: the profile, its settings and SMTP, the invites scope (read once a second at most, not per item). */
  const contexts = new Map<string, { at: number; value: ReturnType<typeof load> }>();
  const load = (profileId: string, core: CoreClient) => {
    const profile = deps.profileFor(profileId);
    return { profile, settings: deps.settings.get(profileId), smtp: deps.settings.smtp(profileId), scope: deps.scopeOf({ profile, core }) };
  };
  const contextFor = (jobId: string, profileId: string, core: CoreClient) => {
    const cached = contexts.get(jobId);
    const now = Date.now();
    if (cached && now - cached.at < 1000) return cached.value;
    const value = load(profileId, core);
    contexts.set(jobId, { at: now, value });
    return value;
  };

  return {
    name: "invites.bulk",
    permission: "invites:write",
    input: invitesBulkInput,
    concurrency: ITEM_CONCURRENCY,
    inputColumns: ["line", "email", "phoneNumber", "tenantId", "roles"],
    resultColumns: ["outcome", "userId", "link", "expiresAt", "delivery", "deliveryError"],
    dryRunOnly: (input) => input.dryRunOnly === true,
    describe(_input, items) {
      const count = (a: Action) => items.filter((i) => !i.error && i.input.action === a).length;
      const bad = items.filter((i) => i.error).length;
      return `invite ${items.length} CSV row${items.length === 1 ? "" : "s"}: ${count("invite")} new, ${count("link")} new links, ${count("skip")} skipped, ${bad} with errors`;
    },

    async prepare(input, { core, profileId }) {
      const profile = deps.profileFor(profileId);
      const settings = deps.settings.get(profileId);
      const rows = readInviteCsv(input.csv, { defaultTenant: input.defaultTenant ?? profile.defaultTenant, defaultRegion: settings.defaultRegion });

      // Tenants and roles are listed once each, and only when a row needs them.
      const [tenants, roles] = await core.sdk(() =>
        Promise.all([
          Multitenancy.listAllTenants().then((r) => new Set(r.tenants.map((t) => t.tenantId))),
          rows.some((r) => r.roles.length > 0) ? UserRoles.getAllRoles().then((r) => new Set(r.roles)) : Promise.resolve(new Set<string>()),
        ]),
      );
      const seen = new Map<string, number>();
      const checked = rows.map((row) => {
        const errors = [...row.errors];
        if (!tenants.has(row.tenantId) && !errors.some((e) => e.includes("tenant"))) {
          errors.push(`unknown tenant "${row.tenantId}" (the Core has ${[...tenants].sort().map((t) => `"${t}"`).join(", ")})`);
        }
        const unknownRoles = row.roles.filter((r) => !roles.has(r));
        if (unknownRoles.length > 0) errors.push(`unknown role${unknownRoles.length === 1 ? "" : "s"} ${unknownRoles.map((r) => `"${r}"`).join(", ")} (create ${unknownRoles.length === 1 ? "it" : "them"} under Roles first)`);
        if (errors.length === 0) {
          const k = `${row.tenantId}\u0000${row.email || row.phoneNumber}`;
          const first = seen.get(k);
          if (first !== undefined) errors.push(`duplicate of line ${first} (same ${row.email ? "email" : "phone number"} and tenant)`);
          else seen.set(k, row.line);
        }
        return { row, errors };
      });

      return mapLimit(checked, LOOKUP_CONCURRENCY, async ({ row, errors }): Promise<PreparedItem<Item>> => {
        const item: Item = { line: row.line, email: row.email, phoneNumber: row.phoneNumber, tenantId: row.tenantId, roles: row.roles.join(";"), action: "invite" };
        if (errors.length > 0) return { input: item, error: `line ${row.line}: ${errors.join("; ")}` };
        const found = classify(await core.sdk(() => supertokens.listUsersByAccountInfo(row.tenantId, contactOf(item))), row.tenantId, contactOf(item));
        if (found.passwordless) {
          item.action = "link";
          return { input: item, plan: `${PLAN.link} (user ${found.passwordless.id}${item.roles ? "; roles not changed" : ""})` };
        }
        if (found.other) {
          item.action = "skip";
          return { input: item, plan: `skip: already exists (user ${found.other.id}, ${[...new Set(found.other.loginMethods.map((m) => m.recipeId))].join(", ")}) without a passwordless login` };
        }
        return { input: item, plan: `${PLAN.invite}${item.roles ? ` with ${item.roles.split(";").join(", ")}` : ""}` };
      });
    },

    async runItem(item, { core, profileId, jobId, index }) {
      const before = marks.get.get(jobId, index) as Mark | undefined;
      if (before?.phase === "delivered" && before.result) return JSON.parse(before.result) as Result;
      const ctx = contextFor(jobId, profileId, core);
      const contact = contactOf(item);
      const tenantId = item.tenantId;

      let userId: string;
      let created: boolean;
      if (before?.user_id) {
        userId = before.user_id;
        created = before.created === 1;
      } else if (item.action === "invite" && !before) {
        // The dry run found nobody: sign up at once (idempotent for the same contact), noted first.
        mark(jobId, index, "signing-up", null, false);
        const res = await core.sdk(() => Passwordless.signInUp({ ...contact, tenantId }));
        userId = res.user.id;
        created = res.createdNewRecipeUser;
      } else {
        // A repeat, or the dry run found someone: look first.
        const found = classify(await core.sdk(() => supertokens.listUsersByAccountInfo(tenantId, contact)), tenantId, contact);
        if (!found.passwordless && found.other) {
          return { outcome: "skipped: exists without a passwordless login", userId: found.other.id, link: "", expiresAt: "", delivery: "", deliveryError: "" };
        }
        if (found.passwordless) {
          userId = found.passwordless.id;
          // A user found after our own "signing-up" note is the one our earlier attempt created.
          created = before?.phase === "signing-up";
        } else {
          mark(jobId, index, "signing-up", null, false);
          const res = await core.sdk(() => Passwordless.signInUp({ ...contact, tenantId }));
          userId = res.user.id;
          created = res.createdNewRecipeUser || before?.phase === "signing-up";
        }
        mark(jobId, index, "signing-up", userId, created);
      }

      // The invite record and roles (for a user this job created) and the link are independent: made at once.
      const recordInvite = async () => {
        if (!created || before?.phase === "recorded") return;
        const roles = item.roles ? item.roles.split(";") : [];
        const invitedAt = deps.now();
        const invite: InviteRecord = { invitedAt, invitedBy: deps.operator };
        await core.sdk(async () => {
          await UserMetadata.updateUserMetadata(userId, { [ctx.profile.contract.inviteKey]: { ...invite } });
          for (const role of roles) {
            const res = await UserRoles.addRoleToUser(tenantId, userId, role);
            if (res.status === "UNKNOWN_ROLE_ERROR") throw new GatehouseError({ code: "NOT_FOUND", message: `There is no role "${role}" (any more); user ${userId} was created without it.` });
          }
        });
        if (roles.length > 0) deps.rolesChanged();
        if (!deps.records.get(ctx.scope, userId)) {
          deps.records.insert({
            scope: ctx.scope,
            user_id: userId,
            tenant_id: tenantId,
            email: item.email || null,
            phone_number: item.phoneNumber || null,
            invited_at: invitedAt,
            invited_by: deps.operator,
            link_expires_at: null,
            delivery: "failed",
            message_id: null,
            delivery_error: "no link sent yet",
            revoked_at: null,
          });
        }
        mark(jobId, index, "recorded", userId, true);
      };
      const [, magic] = await Promise.all([recordInvite(), createMagicLink(core, ctx.settings, tenantId, contact)]);

      const sent = await deliverLink({ core, scope: ctx.scope, settings: ctx.settings, smtp: ctx.smtp, mailer: deps.mailer, records: deps.records, now: deps.now }, tenantId, userId, contact, magic);
      deps.records.linkSent(ctx.scope, userId, { expiresAt: sent.expiresAt, delivery: sent.delivery, messageId: sent.messageId, error: sent.error?.reason ?? null });
      const result: Result = {
        outcome: created ? "invited" : "already existed: new link sent",
        userId,
        link: sent.link,
        expiresAt: new Date(sent.expiresAt).toISOString(),
        delivery: sent.delivery,
        deliveryError: sent.error ? sent.error.message : "",
      };
      if (sent.error) {
        // Not delivered: the item fails (the user and invite are there; "resend" on the Invites page, or run the CSV again).
        throw new GatehouseError({ code: "MAIL_FAILED", message: `${sent.error.message}; user ${userId} is ${created ? "invited" : "there"} but got no link (resend it from Invites).` });
      }
      mark(jobId, index, "delivered", userId, created, result);
      return result;
    },
  };
}
