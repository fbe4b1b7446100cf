/**
 * What really is on a Core after a job, read over its own HTTP API (CDI) with Node's fetch and
 * nothing of Gatehouse, and the checks the job tests make with it: every row of a bulk invite has
 * exactly one user, with the invite record, and the result file tells the truth about each row
 * (its user id, and a link that the Core accepts for that contact).
 */
import { expect } from "vitest";
import { linkParts } from "../helpers/smtp.ts";
import { parseCsv } from "../helpers/csv.ts";

const HEADERS = { "cdi-version": "5.4", "content-type": "application/json; charset=utf-8" };

async function cdi<T>(coreUrl: string, method: "GET" | "POST", path: string, query: Record<string, string> = {}, body?: unknown): Promise<T> {
  const qs = new URLSearchParams(query).toString();
  const response = await fetch(`${coreUrl.replace(/\/+$/, "")}${path}${qs ? `?${qs}` : ""}`, { method, headers: HEADERS, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export type Contact = { email: string } | { phoneNumber: string };

export interface CdiUser {
  id: string;
  loginMethods: { recipeId: string; email?: string; phoneNumber?: string; tenantIds: string[] }[];
}

/** The users holding an email or phone number in a tenant. */
export async function usersWith(coreUrl: string, contact: Contact, tenantId = "public"): Promise<CdiUser[]> {
  return (await cdi<{ users: CdiUser[] }>(coreUrl, "GET", `/${tenantId}/users/by-accountinfo`, { ...contact, doUnionOfAccountInfo: "false" })).users;
}

export async function metadataOf(coreUrl: string, userId: string): Promise<Record<string, unknown>> {
  return (await cdi<{ metadata: Record<string, unknown> }>(coreUrl, "GET", "/recipe/user/metadata", { userId })).metadata;
}

export async function rolesOf(coreUrl: string, userId: string, tenantId = "public"): Promise<string[]> {
  return (await cdi<{ roles: string[] }>(coreUrl, "GET", `/${tenantId}/recipe/user/roles`, { userId })).roles;
}

/** Whether the Core takes a magic link's code for this contact (checked, not consumed: nobody signs in). */
export async function linkWorksFor(coreUrl: string, link: string, contact: Contact): Promise<boolean> {
  const { preAuthSessionId, tenantId, linkCode } = linkParts(link);
  const answer = await cdi<{ status: string; consumedDevice?: { email?: string; phoneNumber?: string } }>(coreUrl, "POST", `/${tenantId}/recipe/signinup/code/check`, {}, { preAuthSessionId, linkCode });
  if (answer.status !== "OK") return false;
  return "email" in contact ? answer.consumedDevice?.email === contact.email : answer.consumedDevice?.phoneNumber === contact.phoneNumber;
}

/**
 * A bulk invite of new people ended as it should, on the Core and in its result file: each email
 * has exactly one user, who has a passwordless login and the invite record; the result has one
 * row per email, done and "invited", naming that user, with a link the Core takes for that email.
 */
export async function expectInvitedOnce(coreUrl: string, emails: readonly string[], resultCsv: string, inviteKey = "gatehouseInvite"): Promise<void> {
  const rows = parseCsv(resultCsv);
  const header = rows[0] ?? [];
  const col = (name: string) => header.indexOf(name);
  const byEmail = new Map(rows.slice(1).map((r) => [r[col("email")] ?? "", r]));
  expect(rows.length - 1).toBe(emails.length);
  for (const email of emails) {
    const users = await usersWith(coreUrl, { email });
    expect(users.length, `users with ${email}`).toBe(1);
    const user = users[0];
    expect(user?.loginMethods.some((m) => m.recipeId === "passwordless" && m.email === email), email).toBe(true);
    expect((await metadataOf(coreUrl, user?.id ?? ""))[inviteKey], `invite record of ${email}`).toMatchObject({ invitedBy: "tester" });
    const row = byEmail.get(email);
    expect(row?.[col("state")], `result row of ${email}`).toBe("done");
    expect(row?.[col("outcome")], email).toBe("invited");
    expect(row?.[col("userId")], email).toBe(user?.id);
    expect(await linkWorksFor(coreUrl, row?.[col("link")] ?? "", { email }), `the link of ${email}`).toBe(true);
  }
}
