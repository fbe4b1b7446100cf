/**
 * "migration.resetLinks": a password-reset link to every user on a temporary password (admins; a
 * support operator sends them one at a time with migration.resetLink.send).
 *
 * The dry run finds the users on the Core itself (email-password users whose metadata carries the
 * flag, a page of 500 and their metadata in one bulk read at a time), or checks the ones named.
 * Each item looks again before sending (someone who reset meanwhile is skipped, not mailed) and
 * delivers once whatever crashes in between (deliver.ts: the outbox message and its mark are one
 * transaction; a mail commits right before its end mark).
 */
import supertokens from "supertokens-node";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import type { z } from "zod";
import { resetLinksInput } from "../../../shared/contract/operations/migration-end.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { JobKind, PreparedItem } from "../../jobs/kind.ts";
import { plural } from "../../jobs/plural.ts";
import { mapLimit } from "../../services/concurrency.ts";
import type { Marks } from "../end/marks.ts";
import { resetCandidate } from "./candidate.ts";
import { perJobContexts, type ResetLinkDeps } from "./context.ts";
import { deliverResetLink, deliveredBefore, type Delivered } from "./deliver.ts";

type Input = z.output<typeof resetLinksInput>;
type Item = { userId: string; email: string; tenantId: string };
type Result = { outcome: string; link: string; expiresAt: string; delivery: string; messageId: string };

const PAGE = 500;
const ITEM_CONCURRENCY = 8;

const resultOf = (d: Delivered): Result => ({
  outcome: d.delivery === "sent" ? "reset link mailed" : "reset link in the outbox",
  link: d.link,
  expiresAt: new Date(d.expiresAt).toISOString(),
  delivery: d.delivery,
  messageId: d.messageId ?? "",
});

const skipped = (why: string): Result => ({ outcome: `skipped: ${why}`, link: "", expiresAt: "", delivery: "", messageId: "" });

/** Every email-password user of the tenants (each once) whose metadata has the flag. */
async function flaggedUsers(core: CoreClient, key: string, tenantIds: string[]): Promise<Item[]> {
  const seen = new Set<string>();
  const out: Item[] = [];
  for (const tenantId of tenantIds) {
    let token: string | undefined;
    do {
      const page = await core.sdk(() => supertokens.getUsersOldestFirst({ tenantId, limit: PAGE, includeRecipeIds: ["emailpassword"], ...(token ? { paginationToken: token } : {}) }));
      const fresh = page.users.filter((u) => !seen.has(u.id));
      for (const u of fresh) seen.add(u.id);
      const metadata = await core.metadataOf(fresh.map((u) => u.id));
      for (const u of fresh) {
        if (metadata.get(u.id)?.[key] !== true) continue;
        const login = u.loginMethods.find((m) => m.recipeId === "emailpassword" && m.email !== undefined);
        if (login?.email) out.push({ userId: u.id, email: login.email, tenantId: login.tenantIds.includes(tenantId) ? tenantId : (login.tenantIds[0] ?? tenantId) });
      }
      token = page.nextPaginationToken;
    } while (token);
  }
  return out;
}

export function resetLinksKind(deps: ResetLinkDeps & { marks: Marks }): JobKind<Input, Item, Result> {
  const contextFor = perJobContexts(deps);
  return {
    name: "migration.resetLinks",
    permission: "reset-links:send",
    input: resetLinksInput,
    concurrency: ITEM_CONCURRENCY,
    inputColumns: ["userId", "email", "tenantId"],
    resultColumns: ["outcome", "link", "expiresAt", "delivery", "messageId"],
    dryRunOnly: (input) => input.dryRunOnly === true,
    describe(input, items) {
      const bad = items.filter((i) => i.error).length;
      return `reset links to ${plural(items.length - bad, "user")} on a temporary password${input.tenantId ? ` in ${input.tenantId}` : ""}${bad ? ` (${bad} skipped)` : ""}`;
    },

    async prepare(input, { core, profileId }) {
      const profile = deps.profileFor(profileId);
      const key = profile.contract.temporaryPasswordKey;
      if (input.userIds) {
        const ids = [...new Set(input.userIds)];
        return mapLimit(ids, 16, async (userId): Promise<PreparedItem<Item>> => {
          const found = await resetCandidate(core, profile.contract, userId, input.tenantId ?? profile.defaultTenant);
          if (!found.ok) return { input: { userId, email: "", tenantId: input.tenantId ?? "" }, error: found.why };
          if (input.tenantId && found.recipient.tenantId !== input.tenantId) {
            return { input: { ...found.recipient }, error: `user ${userId} is not in the tenant ${input.tenantId}` };
          }
          return { input: { ...found.recipient }, plan: `send a reset link to ${found.recipient.email}` };
        });
      }
      const tenants = input.tenantId ? [input.tenantId] : (await core.sdk(() => Multitenancy.listAllTenants())).tenants.map((t) => t.tenantId);
      const users = await flaggedUsers(core, key, tenants);
      return users.map((u) => ({ input: u, plan: `send a reset link to ${u.email}` }));
    },

    async runItem(item, ctx) {
      const ref = { marks: deps.marks, jobId: ctx.jobId, index: ctx.index };
      const before = await deliveredBefore(ref);
      if (before) return resultOf(before);
      const context = await contextFor(ctx.jobId, ctx.profileId, ctx.core);
      // Looked at again: someone who set a password since the dry run gets no link.
      const found = await resetCandidate(ctx.core, context.profile.contract, item.userId, item.tenantId);
      if (!found.ok) return skipped(found.why);
      return resultOf(await deliverResetLink(context, found.recipient, ref));
    },

    async reconcile(_item, ctx) {
      const before = await deliveredBefore({ marks: deps.marks, jobId: ctx.jobId, index: ctx.index });
      if (before) return { state: "done", result: resultOf(before) };
      return { state: "failed", error: `${ctx.error.replace(/\.$/, "")}. No reset link went out for this user.` };
    },
  };
}
