/**
 * "invites.bulk": invite many people from a CSV (email or phone, tenant, roles), as the single
 * invite does (main/services/invites/service.ts): a Passwordless user, the invite record in their
 * metadata, the roles, a magic link delivered by mail or to the outbox.
 *
 * The dry run (prepare) validates every row with its line number (invites-csv.ts), lists tenants
 * and roles once each, flags repeated rows (same contact and tenant: the later ones), and looks
 * up who already exists, to say per row what will happen.
 *
 * runItem is idempotent, and cheap on the journal (one local transaction per item on top of the
 * runner's claim and finish): the runner journals each try before it is made, so an "invite"
 * row never tried before (ctx.fresh) signs up at once, and any repeat looks the contact up first
 * and takes a passwordless user it finds for the one an earlier attempt created (the dry run
 * found nobody; Passwordless.signInUp is itself idempotent for the same email or phone). A user
 * someone else created since the dry run is noted ("signing-up" with created 0) so a repeat does
 * not claim it. Once the link went out, the item's result is kept in the invites store's marks
 * ("delivered") in the same transaction as the invite record and outbox message, and a repeat
 * returns it instead of sending again: on PostgreSQL, whichever instance takes the item over.
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
import { composeInvite, createMagicLink, mailIfPossible, outboxDraft, queuedAs, type Delivered } from "../../services/invites/delivery.ts";
import type { Contact } from "../../services/invites/normalize.ts";
import type { InviteSettingsStore } from "../../services/invites/settings.ts";
import type { BulkMark, InviteStore } from "../../services/invites/store/invite-store.ts";
import type { ProfileRecord } from "../../services/profiles.ts";
import type { ItemContext, JobKind, PreparedItem } from "../kind.ts";
import { errorText, isOutage } from "../retry.ts";
import { readInviteCsv } from "./invites-csv.ts";
import { plural } from "../plural.ts";

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
  settings: InviteSettingsStore;
  records: InviteStore;
  mailer: Mailer;
  now: () => number;
  profileFor: (profileId: string) => ProfileRecord;
  scopeOf: (active: ActiveConnection) => string;
  rolesChanged: () => void;
}

type SdkUser = Awaited<ReturnType<typeof supertokens.listUsersByAccountInfo>>[number];

/** The result of a row whose contact has an account without a passwordless login: nothing done. */
const skippedAs = (userId: string): Result => ({ outcome: "skipped: exists without a passwordless login", userId, link: "", expiresAt: "", delivery: "", deliveryError: "" });

const contactOf = (item: InvitesBulkItem): Contact => (item.email ? { email: item.email } : { phoneNumber: item.phoneNumber });

/** The user with a passwordless login for exactly this contact in the tenant, else any user with the contact. */
function classify(users: SdkUser[], tenantId: string, contact: Contact): { passwordless?: SdkUser; other?: SdkUser } {
  const passwordless = users.find((u) =>
    u.loginMethods.some((m) => m.recipeId === "passwordless" && m.tenantIds.includes(tenantId) && ("email" in contact ? m.email === contact.email : m.phoneNumber === contact.phoneNumber)),
  );
  return passwordless ? { passwordless } : users[0] ? { other: users[0] } : {};
}

export function invitesBulkKind(deps: InvitesBulkDeps): JobKind<Input, Item, Result> {
  const markOf = (jobId: string, index: number) => deps.records.bulkMark(jobId, index);

  /** Per job: the profile, its settings and SMTP, the invites scope (read once a second at most, not per item). */
  const contexts = new Map<string, { at: number; value: Promise<Awaited<ReturnType<typeof load>>> }>();
  const load = async (profileId: string, core: CoreClient) => {
    const profile = deps.profileFor(profileId);
    const { settings, smtp } = await deps.settings.withSmtp(profileId);
    return { profile, settings, smtp, scope: deps.scopeOf({ profile, core }) };
  };
  const contextFor = (jobId: string, profileId: string, core: CoreClient) => {
    const cached = contexts.get(jobId);
    const now = Date.now();
    if (cached && now - cached.at < 1000) return cached.value;
    const value = load(profileId, core);
    contexts.set(jobId, { at: now, value });
    // A failed read is not kept: the next item reads again.
    value.catch(() => contexts.delete(jobId));
    if (contexts.size > 64) contexts.delete(contexts.keys().next().value as string);
    return value;
  };

  const kind: JobKind<Input, Item, Result> = {
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
      return `invite ${plural(items.length, "CSV row")}: ${count("invite")} new, ${plural(count("link"), "new link")}, ${count("skip")} skipped, ${bad} with ${bad === 1 ? "an error" : "errors"}`;
    },

    async prepare(input, { core, profileId }) {
      const profile = deps.profileFor(profileId);
      const settings = await deps.settings.get(profileId);
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

    async runItem(item, ctx) {
      const before = await markOf(ctx.jobId, ctx.index);
      if (before?.phase === "delivered" && before.result) return JSON.parse(before.result) as Result;
      const who = await userFor(item, ctx, before);
      if ("skipped" in who) return who.skipped;
      return complete(item, ctx, who.userId, who.created);
    },

    // Before a row is failed: who is on the Core for it. A passwordless user there (this job's, or
    // the one the dry run found) gets what the row lacks — invite record and roles if this job
    // created it, and a link — and the row ends done; otherwise the error says what is there.
    async reconcile(item, ctx) {
      const before = await markOf(ctx.jobId, ctx.index);
      if (before?.phase === "delivered" && before.result) return { state: "done", result: JSON.parse(before.result) as Result };
      const contact = contactOf(item);
      const found = classify(await ctx.core.sdk(() => supertokens.listUsersByAccountInfo(item.tenantId, contact)), item.tenantId, contact);
      const who = item.email ? item.email : item.phoneNumber;
      if (!found.passwordless && !found.other) return { state: "failed", error: `${ctx.error.replace(/\.$/, "")}. On the Core: nobody has ${who} in ${item.tenantId}; nobody was invited.` };
      if (!found.passwordless && found.other) return { state: "done", result: skippedAs(found.other.id) };
      const userId = found.passwordless?.id ?? "";
      // Someone else made the user since the dry run (noted at sign-up), else this job did when the dry run found nobody.
      const created = before?.phase === "signing-up" && before.userId === userId ? before.created : item.action === "invite";
      try {
        return { state: "done", result: await complete(item, ctx, userId, created) };
      } catch (err) {
        if (isOutage(err)) throw err;
        return { state: "failed", error: `${errorText(err).replace(/\.$/, "")}. On the Core: user ${userId} has a passwordless login for ${who}${created ? " (created by this job)" : ""}, but no link could be made for it.` };
      }
    },
  };
  return kind;

  /** The row's passwordless user: found, or signed up (or, when the contact has an account of another kind, the row's "skipped" result). */
  async function userFor(item: Item, { core, jobId, index, fresh }: ItemContext, before: BulkMark | undefined): Promise<{ userId: string; created: boolean } | { skipped: Result }> {
    const contact = contactOf(item);
    const tenantId = item.tenantId;
    if (item.action === "invite" && fresh) {
      // The dry run found nobody and nothing was tried yet: sign up at once (the claim of this
      // try is journaled first, so a repeat knows a sign-up may have happened, and looks).
      const res = await core.sdk(() => Passwordless.signInUp({ ...contact, tenantId }));
      // Someone else made this user since the dry run (rare): noted, so that a repeat does not take it for ours.
      if (!res.createdNewRecipeUser) await deps.records.setBulkMark(jobId, index, { phase: "signing-up", userId: res.user.id, created: false, result: null }, deps.now());
      return { userId: res.user.id, created: res.createdNewRecipeUser };
    }
    if (before?.phase === "signing-up" && before.userId) return { userId: before.userId, created: before.created };
    // A repeat, or the dry run found someone: look first.
    const found = classify(await core.sdk(() => supertokens.listUsersByAccountInfo(tenantId, contact)), tenantId, contact);
    if (!found.passwordless && found.other) return { skipped: skippedAs(found.other.id) };
    // Nobody was there at the dry run: the user found on a repeat is the one an earlier attempt created.
    if (found.passwordless) return { userId: found.passwordless.id, created: item.action === "invite" };
    const res = await core.sdk(() => Passwordless.signInUp({ ...contact, tenantId }));
    return { userId: res.user.id, created: res.createdNewRecipeUser };
  }

  /**
   * What a row does once its user is there: the invite record and roles (for a user this job
   * created), a new link, its delivery, and the local records. Safe to repeat (metadata and roles
   * are set, not added to; a repeat sends a new link only when the last one did not go out).
   */
  async function complete(item: Item, { core, profileId, createdBy, jobId, index }: ItemContext, userId: string, created: boolean): Promise<Result> {
    const ctx = await contextFor(jobId, profileId, core);
    const contact = contactOf(item);
    const tenantId = item.tenantId;
    // The invite record and roles (for a user this job created) and the link are independent:
    // made at once. Both are safe to repeat (metadata and roles are set, not added to).
    const roles = item.roles ? item.roles.split(";") : [];
    const invitedAt = deps.now();
    const recordInvite = async () => {
      if (!created) return;
      const invite: InviteRecord = { invitedAt, invitedBy: createdBy };
      await core.sdk(async () => {
        await UserMetadata.updateUserMetadata(userId, { [ctx.profile.contract.inviteKey]: { ...invite } });
        for (const role of roles) {
          const res = await UserRoles.addRoleToUser(tenantId, userId, role);
          if (res.status === "UNKNOWN_ROLE_ERROR") throw new GatehouseError({ code: "NOT_FOUND", message: `There is no role "${role}" (any more); user ${userId} was created without it.` });
        }
      });
      if (roles.length > 0) deps.rolesChanged();
    };
    const [, magic] = await Promise.all([recordInvite(), createMagicLink(core, ctx.settings, tenantId, contact)]);
    const message = composeInvite(ctx.settings, contact, magic);
    const mailed = await mailIfPossible({ smtp: ctx.smtp, mailer: deps.mailer }, contact, message);

    // Everything local about this item in one transaction: the invite record, the outbox
    // message, and the result that makes a repeat return at once instead of sending again.
    const result = await deps.records.bulkDelivered<Result & { error: Delivered["error"] }>(
      {
        scope: ctx.scope,
        profileId,
        ...(mailed ? {} : { queue: outboxDraft(deps.now(), tenantId, userId, contact, message, magic) }),
        then: (outboxId) => {
          const sent = mailed ?? queuedAs(outboxId ?? 0);
          const done: Result = {
            outcome: created ? "invited" : "already existed: new link sent",
            userId,
            link: magic.link,
            expiresAt: new Date(magic.expiresAt).toISOString(),
            delivery: sent.delivery,
            deliveryError: sent.error ? sent.error.message : "",
          };
          return {
            value: { ...done, error: sent.error },
            record: {
              scope: ctx.scope,
              user_id: userId,
              tenant_id: tenantId,
              email: item.email || null,
              phone_number: item.phoneNumber || null,
              invited_at: invitedAt,
              invited_by: createdBy,
              link_expires_at: magic.expiresAt,
              delivery: sent.delivery,
              message_id: sent.messageId,
              delivery_error: sent.error?.reason ?? null,
              revoked_at: null,
            },
            create: created,
            ...(sent.error ? {} : { mark: { jobId, index, mark: { phase: "delivered", userId, created, result: JSON.stringify(done) } } }),
          };
        },
      },
      deps.now(),
    );
    if (result.error) {
      // Not delivered: the item fails (the user and invite are there; "resend" on the Invites page, or run the CSV again).
      throw new GatehouseError({ code: "MAIL_FAILED", message: `${result.error.message}; user ${userId} is ${created ? "invited" : "there"} but got no link (resend it from Invites).` });
    }
    const { error: _none, ...done } = result;
    return done;
  }
}
