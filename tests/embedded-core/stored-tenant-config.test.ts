/**
 * A database file written before the embedded core checked tenant configs may hold a coreConfig
 * the Core would have refused. Such a tenant keeps working: what reads is used, what does not is
 * skipped (the base config's value applies), and an update is checked with what is stored.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore } from "../../main/embedded-core/index.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-tenant-config-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("a tenant config stored before configs were checked", () => {
  it("serves the tenant with the values that read, and checks the next update", async () => {
    const dbFile = join(dir, "core.db");
    const first = await startEmbeddedCore({ dbFile });
    await first.close();
    const db = new Database(dbFile);
    db.prepare("INSERT INTO tenants (tenant_id, config, created_at) VALUES (?, ?, ?)").run(
      "legacy",
      // A value of the wrong type, one of another shape, and one that reads (text for a long).
      JSON.stringify({ firstFactors: [], coreConfig: { passwordless_code_lifetime: {}, access_token_validity: "abc", email_verification_token_lifetime: "1" } }),
      Date.now(),
    );
    db.close();

    const core = await startEmbeddedCore({ dbFile });
    try {
      const code = await post(`${core.url}/legacy/recipe/signinup/code`, { email: "legacy@example.com" });
      expect(code.status).toBe(200);
      // The base lifetime applies in place of the unreadable one.
      expect(((await code.json()) as { codeLifetime: number }).codeLifetime).toBe(900_000);

      const token = await post(`${core.url}/legacy/recipe/user/email/verify/token`, { userId: "u1", email: "legacy@example.com" });
      const { token: value } = (await token.json()) as { token: string };
      const created = Date.now();
      await expect.poll(() => Date.now() - created).toBeGreaterThan(5);
      // The readable text "1" is used: the token lives one millisecond.
      const verify = await post(`${core.url}/legacy/recipe/user/email/verify`, { method: "token", token: value });
      expect(await verify.json()).toStrictEqual({ status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" });

      const put = (coreConfig: Record<string, unknown>) =>
        fetch(`${core.url}/recipe/multitenancy/tenant/v2`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ tenantId: "legacy", coreConfig }),
        });
      // An update is checked with what is stored (as the Core merges before it checks) ...
      const refused = await put({ password_reset_token_lifetime: 5000 });
      expect(refused.status).toBe(500);
      expect(await refused.text()).toBe("java.lang.UnsupportedOperationException: JsonObject\n");
      // ... so removing the bad entries (null) is the way out.
      const fixed = await put({ passwordless_code_lifetime: null, access_token_validity: null, password_reset_token_lifetime: 5000 });
      expect(await fixed.json()).toStrictEqual({ status: "OK", createdNew: false });
    } finally {
      await core.close();
    }
  });
});
