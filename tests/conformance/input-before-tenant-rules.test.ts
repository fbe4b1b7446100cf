/**
 * Which error wins for the roles, EmailPassword, EmailVerification, UserMetadata, user id mapping
 * and multitenancy endpoints: Core 11.4.7's API classes read and check their input before they
 * look up the tenant in the path (getTenantIdentifier) or refuse a tenant other than public
 * (enforcePublicTenant…), so an unknown tenant with a bad input answers the input error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { raw } from "./helpers.ts";
import { expectText, ok, uniq } from "./rule-helpers.ts";

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore();
});

afterAll(async () => {
  await core?.close();
});

type Method = "GET" | "POST" | "PUT";
/** [method, path after the tenant, JSON body or query, the Core's status and text] */
type Case = [Method, string, Record<string, unknown> | Record<string, string>, number, string];

const call = (tenant: string, [method, path, input]: Case) =>
  raw(core, `/${tenant}${path}`, method === "GET" ? { query: input as Record<string, string> } : { method, body: input });

const emptyRole = "Field name 'role' cannot be an empty String";
const emptyUserId = "Field name 'userId' cannot be an empty String";
const missing = (name: string) => `Field name '${name}' is missing in GET request`;
const invalidField = (name: string) => `Field name '${name}' is invalid in JSON input`;

/** Tenant endpoints: the input error comes before "tenant not found". */
const TENANT_CASES: Case[] = [
  ["PUT", "/recipe/user/role", { userId: "u", role: " " }, 400, emptyRole],
  ["POST", "/recipe/user/role/remove", { userId: "u", role: " " }, 400, emptyRole],
  ["GET", "/recipe/role/users", { role: " " }, 400, emptyRole],
  ["GET", "/recipe/user/roles", {}, 400, missing("userId")],
  ["POST", "/recipe/signup", { email: "a@example.com", password: "" }, 400, "Password cannot be an empty string"],
  ["POST", "/recipe/signin", { email: "a@example.com" }, 400, invalidField("password")],
  ["POST", "/recipe/user/password/reset/token", {}, 400, invalidField("userId")],
  ["POST", "/recipe/user/password/reset/token/consume", {}, 400, invalidField("token")],
  ["POST", "/recipe/user/email/verify/token", { userId: "u" }, 400, invalidField("email")],
  ["POST", "/recipe/user/email/verify", { method: "link", token: "x" }, 400, "Unsupported method for email verification"],
  ["POST", "/recipe/user/email/verify/token/remove", { userId: "u" }, 400, invalidField("email")],
  ["POST", "/recipe/multitenancy/tenant/user", { recipeUserId: " " }, 400, emptyUserId],
  ["POST", "/recipe/multitenancy/tenant/user/remove", { recipeUserId: " " }, 400, emptyUserId],
  ["PUT", "/recipe/multitenancy/tenant/v2", { tenantId: "a_b" }, 400, "tenantId can only contain letters, numbers and hyphens"],
  ["POST", "/recipe/multitenancy/tenant/remove", { tenantId: "public" }, 403, "Cannot delete public tenant, use remove app API instead"],
];

/** App-level endpoints: the input error comes before "only public may call this". */
const APP_CASES: Case[] = [
  ["PUT", "/recipe/role", { role: " " }, 400, emptyRole],
  ["GET", "/recipe/role/permissions", { role: " " }, 400, emptyRole],
  ["POST", "/recipe/role/permissions/remove", { role: " " }, 400, emptyRole],
  ["POST", "/recipe/role/remove", { role: " " }, 400, emptyRole],
  ["GET", "/recipe/permission/roles", { permission: " " }, 400, "Field name 'permission' cannot be an empty String"],
  ["GET", "/recipe/user/email/verify", { userId: "u" }, 400, missing("email")],
  ["POST", "/recipe/user/email/verify/remove", { userId: "u" }, 400, invalidField("email")],
  ["POST", "/recipe/userid/map", { superTokensUserId: " " }, 400, "Field name 'superTokensUserId' cannot be an empty String"],
  ["GET", "/recipe/userid/map", { userId: " " }, 400, emptyUserId],
  ["POST", "/recipe/userid/map/remove", { userId: " " }, 400, emptyUserId],
  ["PUT", "/recipe/userid/external-user-id-info", { userId: " " }, 400, emptyUserId],
  ["GET", "/recipe/user/metadata", {}, 400, missing("userId")],
  ["PUT", "/recipe/user/metadata", { userId: "u" }, 400, invalidField("metadataUpdate")],
  ["POST", "/recipe/user/metadata/remove", {}, 400, invalidField("userId")],
  ["POST", "/recipe/user/metadata/bulk", { userIds: "u" }, 400, invalidField("userIds")],
];

describe("an unknown tenant with a bad input: the input error wins", () => {
  it.each(TENANT_CASES)("%s %s", async (...c) => {
    const [, , , status, text] = c;
    expectText(await call(uniq("nosuch"), c), status, `${text}\n`);
  });

  it.each(APP_CASES)("%s %s (app-level)", async (...c) => {
    const [, , , status, text] = c;
    expectText(await call(uniq("nosuch"), c), status, `${text}\n`);
  });
});

describe("with a good input, the tenant is checked", () => {
  const notFound = (tenant: string) =>
    `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, ${tenant})\n`;

  it("a tenant endpoint with an unknown tenant: 400 tenant not found", async () => {
    const tenant = uniq("nosuch");
    expectText(await raw(core, `/${tenant}/recipe/user/password/reset/token`, { method: "POST", body: { userId: "u" } }), 400, notFound(tenant));
    expectText(await raw(core, `/${tenant}/recipe/user/roles`, { query: { userId: "u" } }), 400, notFound(tenant));
    expectText(await raw(core, `/${tenant}/recipe/multitenancy/tenant/remove`, { method: "POST", body: { tenantId: "x" } }), 400, notFound(tenant));
  });

  it("an app-level endpoint with any tenant but public: 403", async () => {
    const text = "Only public tenantId can call this app specific API\n";
    expectText(await raw(core, `/${uniq("nosuch")}/recipe/role`, { method: "PUT", body: { role: uniq("r") } }), 403, text);
    expectText(await raw(core, `/${uniq("nosuch")}/recipe/user/metadata`, { query: { userId: "u" } }), 403, text);
    expectText(await raw(core, `/${uniq("nosuch")}/recipe/user/metadata/bulk`, { method: "POST", body: { userIds: ["u"] } }), 403, text);
  });

  it("bulk metadata of no ids answers before it looks at the tenant at all", async () => {
    expect(ok(await raw(core, `/${uniq("nosuch")}/recipe/user/metadata/bulk`, { method: "POST", body: { userIds: [] } }))).toStrictEqual({
      status: "OK",
      users: [],
    });
  });
});

describe("an unknown app with a tenant prefix: each endpoint checks app and tenant in its own order", () => {
  const appNotFound =
    "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, x, public)\n";
  const appOnly = "Only public tenantId can call this app specific API\n";

  it("roles and metadata look the app up first, mapping reads refuse the tenant first", async () => {
    expectText(await raw(core, "/appid-x/t1/recipe/role", { method: "PUT", body: { role: "r" } }), 400, appNotFound);
    expectText(await raw(core, "/appid-x/t1/recipe/user/metadata", { query: { userId: "u" } }), 400, appNotFound);
    expectText(
      await raw(core, "/appid-x/t1/recipe/userid/map", { method: "POST", body: { superTokensUserId: "s", externalUserId: "e" } }),
      400,
      appNotFound,
    );
    expectText(await raw(core, "/appid-x/t1/recipe/userid/map", { query: { userId: "u" } }), 403, appOnly);
  });

  it("getting a tenant of an unknown app is TENANT_NOT_FOUND_ERROR, listing them a 400", async () => {
    expect(ok(await raw(core, "/appid-x/recipe/multitenancy/tenant/v2"))).toStrictEqual({ status: "TENANT_NOT_FOUND_ERROR" });
    expect(ok(await raw(core, "/appid-x/t1/recipe/multitenancy/tenant/v2"))).toStrictEqual({ status: "TENANT_NOT_FOUND_ERROR" });
    expectText(await raw(core, "/appid-x/recipe/multitenancy/tenant/list/v2"), 400, appNotFound);
  });
});

describe("the order of input checks within an endpoint", () => {
  it("creating a mapping checks each id as it reads it", async () => {
    expectText(
      await raw(core, "/recipe/userid/map", { method: "POST", body: { superTokensUserId: " ", externalUserId: 5 } }),
      400,
      "Field name 'superTokensUserId' cannot be an empty String\n",
    );
  });
});
