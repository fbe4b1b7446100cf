/**
 * Small helpers for the *-rules conformance tests (edge cases taken from the Core 11.4.7 source
 * notes): exact plain-text errors, unique ids, and raw tenant set-up.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { TestCore } from "../support/core.ts";
import { TEXT_CONTENT_TYPE, json, raw, type RawResponse } from "./helpers.ts";

const run = randomUUID().slice(0, 8);
let counter = 0;

/** A lower-case id ([a-z0-9-]) nobody else uses: valid as a tenant id, role, user id, … */
export function uniq(prefix: string): string {
  counter += 1;
  return `${prefix}-${run}-${counter}`;
}

/** Asserts a plain-text error exactly as the real Core sends it (message + "\n", text/html). */
export function expectText(res: RawResponse, status: number, text: string): void {
  expect({ status: res.status, text: res.text, contentType: res.contentType }).toEqual({
    status,
    text,
    contentType: TEXT_CONTENT_TYPE,
  });
}

/** Asserts a 200 JSON answer and returns its body. */
export function ok<T = Record<string, unknown>>(res: RawResponse): T {
  expect(res.status, `expected 200, got ${res.status} ${JSON.stringify(res.text)}`).toBe(200);
  return json<T>(res);
}

/** Creates a tenant over raw HTTP (PUT /recipe/multitenancy/tenant/v2) and returns its id. */
export async function createTenant(core: TestCore, tenantId = uniq("t"), extra: Record<string, unknown> = {}): Promise<string> {
  const res = await raw(core, "/recipe/multitenancy/tenant/v2", { method: "PUT", body: { tenantId, ...extra } });
  expect(ok(res)).toEqual({ status: "OK", createdNew: true });
  return tenantId;
}

/** Removes a tenant (cleanup for runs against a shared real Core). */
export async function removeTenant(core: TestCore, tenantId: string): Promise<void> {
  await raw(core, "/recipe/multitenancy/tenant/remove", { method: "POST", body: { tenantId } });
}

/** Signs up an emailpassword user over raw HTTP in a tenant; returns its id. */
export async function rawSignUp(core: TestCore, email: string, tenantId = "public"): Promise<string> {
  const res = await raw(core, `/${tenantId}/recipe/signup`, { method: "POST", body: { email, password: "Password123!" } });
  const body = ok<{ status: string; user: { id: string } }>(res);
  expect(body.status).toBe("OK");
  return body.user.id;
}
