/**
 * Helpers for the bulk-import conformance tests (Core 11.4.7 on PostgreSQL; the in-memory Core
 * refuses these APIs). A real Core may be shared, and its own background task (every 5 minutes)
 * may take staged users while a test runs: tests find their own users by id and clean up.
 */
import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import type { TestCore } from "../support/core.ts";
import { TEXT_CONTENT_TYPE, embedded, json, raw, type RawResponse } from "./helpers.ts";

/** What a real Core on its in-memory database answers every bulk-import call. */
export const IN_MEMORY_REFUSAL = "This API is not supported in the in-memory database.";

/**
 * Whether the Core under test (CORE_URL) is a real one on its in-memory database, which refuses
 * the whole bulk-import API: these tests then skip, saying why (they need one on PostgreSQL).
 */
async function coreRefusesBulkImport(): Promise<boolean> {
  if (embedded) return false;
  const url = process.env.CORE_URL?.replace(/\/$/, "") ?? "";
  const res = await fetch(`${url}/bulk-import/users/count`, {
    headers: { "cdi-version": "5.4", ...(process.env.CORE_API_KEY ? { "api-key": process.env.CORE_API_KEY } : {}) },
  });
  return res.status !== 200 && (await res.text()).includes(IN_MEMORY_REFUSAL);
}

const refused = await coreRefusesBulkImport();

/** `describe` for bulk-import tests: skipped, with the reason in its name, on a real Core's in-memory database. */
export function describeBulkImport(name: string, body: () => void): void {
  if (!refused) describe(name, body);
  else describe.skip(`${name} (skipped: this Core is on its in-memory database, which refuses bulk import; use one on PostgreSQL)`, body);
}

const run = randomUUID().slice(0, 8);
let counter = 0;

/** A unique lower-case tag for ids and emails of this run. */
export function tag(prefix: string): string {
  counter += 1;
  return `${prefix}-${run}-${counter}`;
}

export interface StagedUserJson {
  id: string;
  externalUserId?: string;
  status: "NEW" | "PROCESSING" | "FAILED";
  errorMessage?: string;
  createdAt: number;
  updatedAt: number;
  loginMethods: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface StageAnswer {
  status: "OK";
  users: { userId: string; loginMethods: { recipeId: string; userId: string; tenants: string[]; email?: string | null; phoneNumber?: string | null }[] }[];
}

/** An emailpassword user to stage, with a unique email and a plain-text password. */
export function epUser(extra: Record<string, unknown> = {}, method: Record<string, unknown> = {}): Record<string, unknown> {
  const t = tag("bi");
  return { loginMethods: [{ recipeId: "emailpassword", email: `${t}@example.com`, plainTextPassword: `Pw-${t}`, ...method }], ...extra };
}

export const stage = (core: TestCore, users: unknown[]): Promise<RawResponse> =>
  raw(core, "/bulk-import/users", { method: "POST", body: { users } });

/** Stages and returns the Core's answer (fails the test unless it is a 200). */
export async function stageOk(core: TestCore, users: unknown[]): Promise<StageAnswer> {
  const res = await stage(core, users);
  expect(res.status, res.text).toBe(200);
  return json<StageAnswer>(res) as unknown as StageAnswer;
}

/** The staged ids (the primary login method's SuperTokens id) of an answer, in order. */
export const stagedIds = (answer: StageAnswer): string[] => answer.users.map((u) => u.loginMethods[0]?.userId ?? "");

/** Every staged user (all pages of 500), newest first. */
export async function listAll(core: TestCore, status?: string): Promise<StagedUserJson[]> {
  const out: StagedUserJson[] = [];
  let token: string | undefined;
  do {
    const query: Record<string, string> = { limit: "500", ...(status ? { status } : {}), ...(token ? { paginationToken: token } : {}) };
    const res = await raw(core, "/bulk-import/users", { query });
    expect(res.status, res.text).toBe(200);
    const page = json<{ users: StagedUserJson[]; nextPaginationToken?: string }>(res);
    out.push(...page.users);
    token = page.nextPaginationToken;
  } while (token);
  return out;
}

/** The staged users with these ids, in listing order. */
export async function listed(core: TestCore, ids: string[]): Promise<StagedUserJson[]> {
  const wanted = new Set(ids);
  return (await listAll(core)).filter((u) => wanted.has(u.id));
}

/** Removes staged users (cleanup; ids already gone are fine). */
export async function unstage(core: TestCore, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await raw(core, "/bulk-import/users/remove", { method: "POST", body: { ids: ids.slice(i, i + 500) } });
  }
}

/** A 400 whose text is a JSON object, as the Core sends it. */
export function expectJson400(res: RawResponse, body: unknown): void {
  expect({ status: res.status, contentType: res.contentType }).toEqual({ status: 400, contentType: TEXT_CONTENT_TYPE });
  expect(res.text.endsWith("\n")).toBe(true);
  expect(JSON.parse(res.text)).toEqual(body);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
