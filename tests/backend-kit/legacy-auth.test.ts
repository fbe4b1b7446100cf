/**
 * LegacyAuth, the provider the migration demo moves users from: its own SQLite store with bcrypt
 * hashes, the roster of a seed, credential checks, lookups and pages behind a bearer token.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLegacyAuth, type RunningLegacyAuth } from "../../examples/legacy-auth/server.ts";
import { legacyPassword, legacyRoster, legacyRosterUser } from "../../main/embedded-core/demo/legacy-roster.ts";

const TOKEN = "legacy-auth-tests-token";
const dir = mkdtempSync(join(tmpdir(), "gatehouse-legacy-"));
const dbFile = join(dir, "legacy.sqlite");
let service: RunningLegacyAuth;
const roster = legacyRoster(1, 120);
const active = roster.find((u) => !u.disabled)!;
const disabled = roster.find((u) => u.disabled)!;

beforeAll(async () => {
  service = await startLegacyAuth({ port: 0, users: 120, cost: 4, token: TOKEN, dbFile });
  await service.hashesReady;
});
afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

function call(path: string, init: RequestInit = {}, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${service.url}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) } });
}
const verify = (body: unknown, token: string | null = TOKEN) =>
  call("/v1/credentials/verify", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, token);

describe("the roster", () => {
  it("is the same for a seed on every run, differs between seeds, and has unique emails and legacy-N ids", () => {
    expect(legacyRoster(1, 120)).toEqual(roster);
    expect(legacyRosterUser(2, 5).email).not.toBe(legacyRosterUser(1, 5).email);
    expect(roster[41]!.id).toBe("legacy-100042");
    expect(new Set(roster.map((u) => u.email)).size).toBe(120);
    expect(legacyPassword(roster[41]!)).toBe("Legacy-100042");
  });
});

describe("the API", () => {
  it("verifies credentials: the user for the right password, INVALID_CREDENTIALS otherwise, USER_DISABLED only after the right password", async () => {
    const ok = await verify({ email: active.email.toUpperCase(), password: legacyPassword(active) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { user: unknown }).user).toEqual({
      id: active.id,
      email: active.email,
      emailVerified: active.emailVerified,
      name: `${active.givenName} ${active.familyName}`,
      givenName: active.givenName,
      familyName: active.familyName,
      locale: active.locale,
      plan: active.plan,
      createdAt: new Date(active.createdAt).toISOString(),
      disabled: false,
    });
    for (const body of [{ email: active.email, password: "Legacy-1" }, { email: "nobody@nowhere.test", password: "x" }, { email: disabled.email, password: "wrong" }]) {
      const refused = await verify(body);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: "INVALID_CREDENTIALS", message: "Wrong email or password." });
    }
    const off = await verify({ email: disabled.email, password: legacyPassword(disabled) });
    expect(off.status).toBe(403);
    expect(((await off.json()) as { error: string }).error).toBe("USER_DISABLED");
  });

  it("looks users up by email (disabled ones too) and answers 404 for others", async () => {
    const found = await call(`/v1/users/by-email?email=${encodeURIComponent(disabled.email)}`);
    expect(((await found.json()) as { user: { id: string; disabled: boolean } }).user).toMatchObject({ id: disabled.id, disabled: true });
    expect((await call("/v1/users/by-email?email=nobody%40nowhere.test")).status).toBe(404);
  });

  it("lists the roster in pages with a cursor", async () => {
    const ids: string[] = [];
    let after: string | null = null;
    do {
      const page = (await (await call(`/v1/users?limit=25${after ? `&after=${after}` : ""}`)).json()) as { users: { id: string }[]; nextCursor: string | null; total: number };
      expect(page.total).toBe(120);
      ids.push(...page.users.map((u) => u.id));
      after = page.nextCursor;
    } while (after);
    expect(ids).toEqual(roster.map((u) => u.id));
  });

  it("demands the bearer token, and names the field of bad input", async () => {
    expect((await verify({ email: active.email, password: "x" }, null)).status).toBe(401);
    expect((await verify({ email: active.email, password: "x" }, "another-token")).status).toBe(401);
    expect((await call("/v1/users")).status).toBe(200);
    expect((await call("/health", {}, null)).status).toBe(200);
    const bad = await verify({ email: active.email });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "BAD_REQUEST", message: "password: a non-empty string is required" });
    expect(((await (await call("/v1/users?limit=0")).json()) as { message: string }).message).toMatch(/^limit: /);
    expect(((await (await call("/v1/users?after=100042")).json()) as { message: string }).message).toMatch(/^after: /);
  });
});

describe("the store", () => {
  it("keeps bcrypt hashes at the configured cost in its SQLite file, and refuses to reopen it as another seed", async () => {
    const db = new Database(dbFile, { readonly: true });
    const rows = db.prepare("SELECT password_hash FROM users").all() as { password_hash: string | null }[];
    db.close();
    expect(rows).toHaveLength(120);
    expect(rows.every((r) => r.password_hash?.startsWith("$2b$04$"))).toBe(true);
    await expect(startLegacyAuth({ port: 0, users: 120, seed: 2, cost: 4, token: TOKEN, dbFile })).rejects.toThrow(/--seed 1 --users 120, not --seed 2 --users 120/);
  });
});
