/**
 * The second-factor problems of a tenant: links to a missing user or to a user without a phone,
 * phone-only Passwordless users no first-factor user points to, and phone users that several
 * users point to. One pass over the tenant's users (pages of 500, metadata in bulk).
 */
import supertokens from "supertokens-node";
import type { z } from "zod";
import type { SecondFactorProblem, secondFactorOps } from "../../../shared/contract/operations/second-factor.ts";
import { maskPhone } from "../../../shared/phone-mask.ts";
import { csvCell } from "../audit/export-format.ts";
import { mapLimit } from "../concurrency.ts";
import type { ActiveConnection } from "../connection.ts";
import { isDedicatedPhoneUser, phoneOf, type SdkUser } from "./state.ts";

type Input = z.output<(typeof secondFactorOps)["secondFactor.report"]["input"]>;
type Output = z.output<(typeof secondFactorOps)["secondFactor.report"]["output"]>;

export interface ReportDeps {
  connection: () => ActiveConnection;
  /** Whether the caller may see phones unmasked (auditors may not). */
  seesPhones: boolean;
}

const labelOf = (u: SdkUser | undefined): string => (u ? [...u.emails, ...u.phoneNumbers].join(" ") || u.id : "");

export async function secondFactorReport(deps: ReportDeps, input: Input): Promise<Output> {
  const { core, profile } = deps.connection();
  const key = profile.contract.secondFactorUserIdKey;
  const users = new Map<string, SdkUser>();
  /** first-factor user id → the phone user id its metadata names */
  const links = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await core.sdk(() => supertokens.getUsersOldestFirst({ tenantId: input.tenantId, limit: Math.min(500, input.max - users.size), ...(token ? { paginationToken: token } : {}) }));
    for (const u of page.users) users.set(u.id, u);
    if (page.users.length) {
      for (const [userId, metadata] of await core.metadataOf(page.users.map((u) => u.id))) {
        const linked = metadata[key];
        if (typeof linked === "string" && linked !== "") links.set(userId, linked);
      }
    }
    token = page.nextPaginationToken;
  } while (token && users.size < input.max);

  // Phone users outside this tenant (or deleted) are looked up one by one.
  const targets = [...new Set(links.values())];
  const missing = targets.filter((id) => !users.has(id));
  const found = await core.sdk(() => mapLimit(missing, 8, async (id) => [id, (await supertokens.getUser(id)) ?? undefined] as const));
  const target = new Map<string, SdkUser | undefined>([...targets.filter((id) => users.has(id)).map((id) => [id, users.get(id)] as const), ...found]);
  const show = (p: string | undefined) => (p === undefined ? "" : deps.seesPhones ? p : maskPhone(p));

  const problems: SecondFactorProblem[] = [];
  const byTarget = new Map<string, string[]>();
  for (const [userId, linked] of links) byTarget.set(linked, [...(byTarget.get(linked) ?? []), userId]);
  for (const [linked, holders] of byTarget) {
    const phoneUser = target.get(linked);
    const phone = phoneOf(phoneUser);
    const labels = holders.map((id) => labelOf(users.get(id)));
    if (!phoneUser) {
      for (const [i, id] of holders.entries()) problems.push({ kind: "missing-user", userIds: [id], userLabels: [labels[i] ?? ""], passwordlessUserId: linked, phoneNumber: "", detail: "the linked Passwordless user does not exist" });
    } else if (!phone) {
      for (const [i, id] of holders.entries()) problems.push({ kind: "no-phone", userIds: [id], userLabels: [labels[i] ?? ""], passwordlessUserId: linked, phoneNumber: "", detail: `the linked user has no phone (${labelOf(phoneUser)})` });
    }
    if (holders.length > 1) {
      problems.push({ kind: "shared", userIds: holders, userLabels: labels, passwordlessUserId: linked, phoneNumber: show(phone), detail: `${holders.length} users point at the same phone user` });
    }
  }
  // Orphans: phone-only Passwordless users of the tenant nobody points to (and with no link of their own).
  for (const u of users.values()) {
    if (byTarget.has(u.id) || links.has(u.id) || !isDedicatedPhoneUser(u)) continue;
    problems.push({
      kind: "orphan",
      userIds: [],
      userLabels: [],
      passwordlessUserId: u.id,
      phoneNumber: show(phoneOf(u)),
      detail: "a phone-only Passwordless user no first-factor user points to (a leftover second factor, or someone who signs in by SMS)",
    });
  }
  const order = { "missing-user": 0, "no-phone": 1, shared: 2, orphan: 3 } as const;
  problems.sort((a, b) => order[a.kind] - order[b.kind]);
  return { scanned: users.size, truncated: token !== undefined, problems };
}

export function reportCsv(report: Output): { csv: string; rows: number; truncated: boolean } {
  const header = ["kind", "user_ids", "users", "passwordless_user_id", "phone_number", "detail"];
  const lines = report.problems.map((p) => [p.kind, p.userIds.join(" "), p.userLabels.join(" | "), p.passwordlessUserId, p.phoneNumber, p.detail].map(csvCell).join(","));
  return { csv: [header.join(","), ...lines].join("\r\n") + "\r\n", rows: report.problems.length, truncated: report.truncated };
}
