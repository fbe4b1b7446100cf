/**
 * For the e2e tests of the end of the migration across a killed Gatehouse: a legacy roster (CSV),
 * the Core's state before the end (someone who signed up with a roster email, someone migrated at
 * sign-in), a gate that holds the Core calls of a job (a slow Core, released when the test says),
 * the Migration screen's steps, and what really is on the Core afterwards, read with raw CDI calls.
 */
import { expect, type Page } from "@playwright/test";
import { DEFAULT_DATA_CONTRACT as C } from "../../../shared/data-contract.ts";
import type { GatehouseClient } from "../../../shared/contract/client.ts";
import type { ProxyRequest, ScriptedProxy, Verdict } from "../../main/jobs/helpers.ts";
import { parseCsv } from "../../main/helpers/csv.ts";
import { SMTP_USER, type TestSmtp } from "../../main/helpers/smtp.ts";

export const PROVIDER = "LegacyAuth";
/** bcrypt of LEGACY_PASSWORD (cost 4: quick), the hash a few roster users bring along. */
export const LEGACY_HASH = "$2b$04$ElpOtBqvQaGy/XazKetrY.FBQDEPlHLg/v1QpzVy1Yl09KBAtQsam";
export const LEGACY_PASSWORD = "Legacy-7";

export interface LegacyUser {
  legacyId: string;
  email: string;
  emailVerified: boolean;
  hash: boolean;
}

export interface LegacyRoster {
  /** Not migrated: the end of the migration makes their accounts. */
  toCreate: LegacyUser[];
  /** Someone else signed up with this roster user's email: skipped as a conflict. */
  conflict: LegacyUser;
  /** Migrated at sign-in before the end: not in the job at all. */
  migrated: LegacyUser;
  csv: string;
}

/** `count` legacy users to create (every third unverified, the first `hashed` with their bcrypt hash), a conflict and one already migrated. */
export function legacyRoster(prefix: string, count: number, hashed: number): LegacyRoster {
  const user = (name: string, i: number): LegacyUser => ({
    legacyId: `${prefix}-${name}`,
    email: `${prefix}.${name}@legacy.example.com`,
    emailVerified: i % 3 !== 2,
    hash: false,
  });
  const toCreate = Array.from({ length: count }, (_, i) => ({ ...user(String(i).padStart(4, "0"), i), hash: i < hashed }));
  const conflict = user("conflict", 0);
  const migrated = user("migrated", 0);
  const row = (u: LegacyUser, i: number) => [u.legacyId, u.email, String(u.emailVerified), `2019-0${1 + (i % 9)}-1${i % 10}`, u.hash ? LEGACY_HASH : "", u.hash ? "bcrypt" : ""].join(",");
  const csv = ["legacy_id,email,email_verified,created,password_hash,hash_algorithm", ...[...toCreate, conflict, migrated].map(row)].join("\n");
  return { toCreate, conflict, migrated, csv };
}

const HEADERS = { "cdi-version": "5.4", "content-type": "application/json; charset=utf-8" };

/** A raw CDI call to the Core (nothing of Gatehouse); throws on anything but 200. */
export async function cdi<T>(coreUrl: string, method: "GET" | "POST" | "PUT", path: string, query: Record<string, string> = {}, body?: unknown): Promise<T> {
  const qs = new URLSearchParams(query).toString();
  const response = await fetch(`${coreUrl}${path}${qs ? `?${qs}` : ""}`, { method, headers: HEADERS, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** An EmailPassword sign-up straight on the Core (a person using the app); the new user's id. */
export async function signUpOnCore(coreUrl: string, email: string, password: string): Promise<string> {
  const answer = await cdi<{ status: string; user?: { id: string } }>(coreUrl, "POST", "/public/recipe/signup", {}, { email, password });
  if (answer.status !== "OK" || !answer.user) throw new Error(`sign-up of ${email}: ${answer.status}`);
  return answer.user.id;
}

/** The Core before the end: the conflict's email taken by someone else, the migrated user's account as a sign-in with the legacy password made it. */
export async function seedCore(coreUrl: string, roster: LegacyRoster): Promise<void> {
  await signUpOnCore(coreUrl, roster.conflict.email, "Someone-else-1");
  const id = await signUpOnCore(coreUrl, roster.migrated.email, "Migrated-at-sign-in-1");
  await cdi(coreUrl, "POST", "/recipe/userid/map", {}, { superTokensUserId: id, externalUserId: roster.migrated.legacyId });
  const record = { legacyId: roster.migrated.legacyId, provider: PROVIDER, via: "sign-in", migratedAt: Date.UTC(2024, 0, 2) };
  await cdi(coreUrl, "PUT", "/recipe/user/metadata", {}, { userId: roster.migrated.legacyId, metadataUpdate: { [C.migrationKey]: record } });
}

/** The profile on the Core (through `coreUrl`: the fault proxy), made active, with the SMTP server for reset mail. */
export async function connectConsole(client: GatehouseClient, coreUrl: string, smtp: { port: number; password: string }): Promise<void> {
  const profile = await client.invoke("profiles.create", {
    name: "Legacy app",
    uris: [coreUrl],
    role: "admin",
    defaultTenant: "public",
    // Long: calls the gate holds must not time out and go again (that would be a second cause of repeats).
    timeoutMs: 60_000,
    contract: { ...C },
  });
  await client.invoke("profiles.switch", { id: profile.id });
  await client.invoke("invites.settings.update", {
    smtp: { host: "127.0.0.1", port: smtp.port, secure: false, username: SMTP_USER, from: "Gatehouse <accounts@example.com>" },
    smtpPassword: smtp.password,
  });
}

/**
 * Holds the requests given to it until open(): a Core that stops answering mid-job, so that a kill
 * finds calls under way. Opened, the held requests go on to the Core (as they would after a
 * crash: their effects land when nobody waits for them any more).
 */
export class Gate {
  held = 0;
  private release: () => void = () => {};
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));

  hold(): Promise<Verdict> {
    this.held += 1;
    return this.opened.then(() => ({}));
  }

  /** Lets everything held through, and waits until each has reached the Core and been answered. */
  async open(proxy: ScriptedProxy): Promise<void> {
    this.release();
    await this.opened;
    await new Promise((resolve) => setImmediate(resolve));
    await expect.poll(() => proxy.inFlight, { message: "the held calls to reach the Core and be answered", timeout: 30_000 }).toBe(0);
  }
}

export type Script = (r: ProxyRequest) => Verdict | Promise<Verdict>;
export const isWrite = (r: ProxyRequest): boolean => r.method !== "GET";

/** The Migration screen, from the sidebar's shortcut (a fresh profile has no figures yet). */
export async function openMigrationScreen(page: Page): Promise<void> {
  await expect(page.getByTestId("nav-migration")).toBeVisible();
  await page.keyboard.press("Alt+9");
  await expect(page.getByTestId("migration-page")).toBeVisible();
}

/** Imports the roster from its CSV file through the source dialog, then refreshes the user index and waits for it. */
export async function importRosterAndScan(page: Page, roster: LegacyRoster, fileName: string): Promise<void> {
  await page.getByTestId("source-edit").click();
  const dialog = page.getByTestId("source-dialog");
  await dialog.getByTestId("roster-file").setInputFiles({ name: fileName, mimeType: "text/csv", buffer: Buffer.from(roster.csv) });
  await dialog.getByTestId("roster-import").click();
  await expect(dialog).toHaveCount(0);
  const total = roster.toCreate.length + 2;
  await expect(page.getByTestId("source-summary")).toContainText(`${total} legacy users, imported from the CSV file ${fileName}`);
  await page.getByTestId("scan-refresh").click();
  // Done when the scan's classification is in: the roster's total is known before any scan, and
  // the progress bar may come and go before it is looked for; only a scan finds the conflict and
  // the migrated user (the Core's two accounts), leaving the others not migrated.
  await expect(page.getByTestId("index-freshness")).toContainText("2 SuperTokens users indexed", { timeout: 60_000 });
  await expect(page.getByTestId("migration-end")).toContainText(`(${roster.toCreate.length} at the last scan)`, { timeout: 60_000 });
  await expect(page.getByTestId("totals-overall").or(page.getByTestId("totals-tenant")).last()).toContainText(String(total));
}

/**
 * The admin's dry run of the end: the provider's name, then the plan on the path `pathText` names,
 * with the roster's counts (every account to create, `hashed` of them keeping their password, the
 * conflict and the already-migrated user skipped).
 */
export async function dryRunEnd(page: Page, pathText: string, users: number, hashed: number): Promise<void> {
  await page.getByTestId("end-provider").fill(PROVIDER);
  await page.getByTestId("end-dry-run").click();
  await expect(page.getByTestId("end-plan-path")).toContainText(pathText);
  await expect(page.getByTestId("end-plan-counts")).toContainText(
    `${users} accounts to create: ${hashed} keep their legacy password, ${users - hashed} users get a temporary password and a reset link. Skipped: 1 conflict, 0 already migrated`,
  );
}

/** Starts the planned run the way an admin must: typing the number of accounts. */
export async function startByTypingCount(page: Page, accounts: number): Promise<void> {
  await page.getByTestId("end-start").click();
  const confirm = page.getByTestId("end-start-dialog");
  await confirm.getByTestId("confirm-input").fill(String(accounts));
  await confirm.getByTestId("confirm-button").click();
  await expect(confirm).toHaveCount(0);
}

/** "N done" as the run's counts on the screen say now (−1 when not shown). */
export async function doneOnScreen(page: Page): Promise<number> {
  const text = (await page.getByTestId("migration-end-counts").textContent({ timeout: 1000 }).catch(() => null)) ?? "";
  const match = /^([\d,]+) done/.exec(text.trim());
  return match?.[1] ? Number(match[1].replace(/,/g, "")) : -1;
}

interface CdiUser {
  id: string;
  loginMethods: { recipeId: string; recipeUserId: string; email?: string; verified: boolean }[];
}

const byEmail = (coreUrl: string, email: string) => cdi<{ users: CdiUser[] }>(coreUrl, "GET", "/public/users/by-accountinfo", { email, doUnionOfAccountInfo: "false" });
const mappingOf = (coreUrl: string, legacyId: string) => cdi<{ status: string; superTokensUserId?: string }>(coreUrl, "GET", "/recipe/userid/map", { userId: legacyId, userIdType: "EXTERNAL" });
const metadataOf = async (coreUrl: string, userId: string) => (await cdi<{ metadata: Record<string, unknown> }>(coreUrl, "GET", "/recipe/user/metadata", { userId })).metadata;

/**
 * What is wrong on the Core for users the end of the migration made (empty when nothing is): each
 * has exactly one account with their email, reported under the legacy id, mapped to a SuperTokens
 * id; the migration record ("bulk", this provider); the temporary-password flag unless the roster
 * had their hash (then their legacy password signs in); the email verified as in the roster.
 */
export async function problemsOnCore(coreUrl: string, users: LegacyUser[]): Promise<string[]> {
  const problems: string[] = [];
  const check = async (u: LegacyUser) => {
    const [found, mapping, metadata, verified] = await Promise.all([
      byEmail(coreUrl, u.email),
      mappingOf(coreUrl, u.legacyId),
      metadataOf(coreUrl, u.legacyId),
      cdi<{ isVerified: boolean }>(coreUrl, "GET", "/public/recipe/user/email/verify", { userId: u.legacyId, email: u.email }),
    ]);
    const say = (what: string) => problems.push(`${u.legacyId}: ${what}`);
    if (found.users.length !== 1) say(`${found.users.length} accounts with ${u.email}`);
    const account = found.users[0];
    if (account && account.id !== u.legacyId) say(`the account is reported as ${account.id}`);
    if (account && JSON.stringify(account.loginMethods.map((m) => [m.recipeId, m.recipeUserId, m.email])) !== JSON.stringify([["emailpassword", u.legacyId, u.email]])) {
      say(`login methods ${JSON.stringify(account.loginMethods)}`);
    }
    if (mapping.status !== "OK" || !/^[0-9a-f-]{36}$/.test(mapping.superTokensUserId ?? "")) say(`mapping ${JSON.stringify(mapping)}`);
    const record = metadata[C.migrationKey] as { legacyId?: string; provider?: string; via?: string } | undefined;
    if (record?.legacyId !== u.legacyId || record.provider !== PROVIDER || record.via !== "bulk") say(`migration record ${JSON.stringify(record)}`);
    const flag = metadata[C.temporaryPasswordKey];
    if (u.hash ? flag !== undefined : flag !== true) say(`temporary-password flag ${String(flag)}`);
    if (verified.isVerified !== u.emailVerified) say(`email verified ${verified.isVerified}, the roster says ${u.emailVerified}`);
    if (u.hash) {
      const signIn = await cdi<{ status: string; user?: { id: string } }>(coreUrl, "POST", "/public/recipe/signin", {}, { email: u.email, password: LEGACY_PASSWORD });
      if (signIn.status !== "OK" || signIn.user?.id !== u.legacyId) say(`the legacy password does not sign in: ${signIn.status}`);
    }
  };
  // A few at a time: the Core is in this test's process, shared with Chromium's driver.
  for (let i = 0; i < users.length; i += 20) await Promise.all(users.slice(i, i + 20).map(check));
  return problems;
}

/** What is wrong for the users the end had to leave alone: the conflict's account not mapped, the migrated one as it was. */
export async function problemsLeftAlone(coreUrl: string, roster: LegacyRoster): Promise<string[]> {
  const problems: string[] = [];
  const conflict = await byEmail(coreUrl, roster.conflict.email);
  if (conflict.users.length !== 1 || conflict.users[0]?.id === roster.conflict.legacyId) problems.push(`conflict: ${JSON.stringify(conflict.users)}`);
  if ((await mappingOf(coreUrl, roster.conflict.legacyId)).status === "OK") problems.push("conflict: mapped to the legacy id");
  const migrated = await byEmail(coreUrl, roster.migrated.email);
  if (migrated.users.length !== 1 || migrated.users[0]?.id !== roster.migrated.legacyId) problems.push(`migrated: ${JSON.stringify(migrated.users)}`);
  const record = (await metadataOf(coreUrl, roster.migrated.legacyId))[C.migrationKey] as { via?: string } | undefined;
  if (record?.via !== "sign-in") problems.push(`migrated: record ${JSON.stringify(record)}`);
  return problems;
}

/**
 * What is wrong with the mail: every user in `expected` got exactly one message, with a reset link
 * for their email; nobody else of the roster got any.
 */
export function mailProblems(smtp: TestSmtp, roster: LegacyRoster, expected: LegacyUser[]): string[] {
  const want = new Set(expected.map((u) => u.email));
  const roster_ = new Set([...roster.toCreate, roster.conflict, roster.migrated].map((u) => u.email));
  const got = new Map<string, number>();
  const problems: string[] = [];
  for (const m of smtp.received) {
    for (const to of m.to) {
      got.set(to, (got.get(to) ?? 0) + 1);
      if (!/reset-password\?token=/.test(m.decoded)) problems.push(`a mail to ${to} without a reset link`);
    }
  }
  for (const email of roster_) {
    const n = got.get(email) ?? 0;
    if (n !== (want.has(email) ? 1 : 0)) problems.push(`${email}: ${n} mails`);
  }
  return problems;
}

/** The result CSV as rows by column name; fails on anything like a password in it. */
export function resultRows(csv: string): Record<string, string>[] {
  expect(csv).not.toMatch(/plainTextPassword|password_?hash|\$2[aby]\$/i);
  const [header = [], ...rows] = parseCsv(csv);
  expect(header.filter((h) => /password/i.test(h))).toEqual(["password"]);
  const out = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
  // The "password" column says which kind, never one.
  expect(out.filter((r) => !["temporary", "legacy hash", ""].includes(r.password ?? "")).map((r) => r.password)).toEqual([]);
  return out;
}
