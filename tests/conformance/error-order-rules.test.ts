/**
 * Which error wins when a request has several faults, as Core 11.4.7's API classes decide it:
 * each reads and checks its input first and only then looks the app and tenant of the path up
 * (getTenantIdentifier, getAppIdentifier, enforcePublicTenant…), so with an unknown tenant or app
 * and a bad input the input error is the answer; within the input, fields fail in the order the
 * class reads them (GET /users: recipe ids, then the tenant, then limit, order, the limit's range).
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { raw, type RawRequest } from "./helpers.ts";
import { createTenant, expectText, removeTenant, uniq } from "./rule-helpers.ts";

let core: TestCore;
let tenant: string;
const nope = uniq("nope");
const app = uniq("app");

beforeAll(async () => {
  core = await startTestCore();
  tenant = await createTenant(core);
});

afterAll(async () => {
  try {
    if (tenant) await removeTenant(core, tenant);
  } finally {
    await core?.close();
  }
});

const ONLY_PUBLIC = "Only public tenantId can call this app specific API";
const tenantNotFound = (t: string, a = "public"): string =>
  `AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, ${a}, ${t})`;
const invalid = (field: string): string => `Field name '${field}' is invalid in JSON input`;
const missing = (field: string): string => `Field name '${field}' is missing in GET request`;

type Case = [name: string, path: string, req: RawRequest, status: number, text: string];

function run(cases: Case[]): void {
  for (const [name, path, req, status, text] of cases) {
    it(name, async () => {
      const resolved = path.replace("{nope}", nope).replace("{tenant}", tenant).replace("{app}", app);
      expectText(await raw(core, resolved, req), status, `${text}\n`);
    });
  }
}

const post = (body: unknown): RawRequest => ({ method: "POST", body });

describe("Passwordless: input errors before an unknown tenant or app", () => {
  run([
    ["create code without contact", "/{nope}/recipe/signinup/code", post({}), 400, "Please provide exactly one of email, phoneNumber or deviceId"],
    ["create code with an empty userInputCode", "/{nope}/recipe/signinup/code", post({ email: "a@example.com", userInputCode: "" }), 400, "userInputCode cannot be an empty string."],
    ["two contacts are reported before the empty userInputCode", "/{nope}/recipe/signinup/code", post({ email: "a@example.com", phoneNumber: "+14155550100", userInputCode: "" }), 400, "Please provide exactly one of email, phoneNumber or deviceId"],
    ["create code with a null email", "/{nope}/recipe/signinup/code", post({ email: null }), 400, invalid("email")],
    ["create code under an unknown app", "/appid-{app}/recipe/signinup/code", post({}), 400, "Please provide exactly one of email, phoneNumber or deviceId"],
    ["create code with good input: the tenant", "/{nope}/recipe/signinup/code", post({ email: "a@example.com" }), 400, tenantNotFound(nope)],
    ["consume without a code", "/{nope}/recipe/signinup/code/consume", post({ preAuthSessionId: "x" }), 400, "Please provide exactly one of linkCode or deviceId+userInputCode"],
    ["consume with a link code and a device id", "/{nope}/recipe/signinup/code/consume", post({ preAuthSessionId: "x", linkCode: "y", deviceId: "z" }), 400, "Please provide exactly one of linkCode or deviceId+userInputCode"],
    ["consume without preAuthSessionId", "/{nope}/recipe/signinup/code/consume", post({ linkCode: "y" }), 400, invalid("preAuthSessionId")],
    ["consume with good shape but a broken link code: the tenant first", "/{nope}/recipe/signinup/code/consume", post({ preAuthSessionId: "x", linkCode: "!!" }), 400, tenantNotFound(nope)],
    ["check without a code", "/{nope}/recipe/signinup/code/check", post({ preAuthSessionId: "x", deviceId: "z" }), 400, "Please provide exactly one of linkCode or deviceId+userInputCode"],
    ["list codes without a selector", "/{nope}/recipe/signinup/codes", {}, 400, "Please provide exactly one of email, phoneNumber, deviceId or preAuthSessionId"],
    ["remove a code without an id", "/{nope}/recipe/signinup/code/remove", post({}), 400, "Please provide either 'codeId' or 'preAuthSessionId'"],
    ["remove codes without a contact", "/{nope}/recipe/signinup/codes/remove", post({}), 400, "Please provide exactly one of email or phoneNumber"],
  ]);
});

describe("users: recipe ids first, then the tenant, then limit, order and the limit's range", () => {
  run([
    ["GET /users: an unknown recipe id before an unknown tenant", "/{nope}/users", { query: { includeRecipeIds: "emailpassword,nope" } }, 400, "Unknown recipe ID: nope"],
    ["GET /users: an unknown recipe id before a bad limit", "/users", { query: { includeRecipeIds: "nope", limit: "abc" } }, 400, "Unknown recipe ID: nope"],
    ["GET /users: the tenant before a bad limit", "/{nope}/users", { query: { limit: "abc" } }, 400, tenantNotFound(nope)],
    ["GET /users: a bad limit before a bad order", "/users", { query: { limit: "abc", timeJoinedOrder: "up" } }, 400, "Field name 'limit' must be an int in the GET request"],
    ["GET /users: a bad order before the limit's range", "/users", { query: { limit: "0", timeJoinedOrder: "up" } }, 400, "timeJoinedOrder can be either ASC OR DESC"],
    ["GET /users: the limit's range before a bad pagination token", "/users", { query: { limit: "501", paginationToken: "!!" } }, 400, "max limit allowed is 500"],
    ["GET /users/count: an unknown recipe id before an unknown tenant", "/{nope}/users/count", { query: { includeRecipeIds: "x" } }, 400, "Unknown recipe ID: x"],
    ["GET /users/count of all tenants under a tenant: 403", "/{nope}/users/count", { query: { includeAllTenants: "TRUE" } }, 403, ONLY_PUBLIC],
    ["GET /users/by-accountinfo without doUnionOfAccountInfo", "/{nope}/users/by-accountinfo", { query: { email: "a@example.com" } }, 400, missing("doUnionOfAccountInfo")],
    ["GET /user/id without userId", "/{nope}/user/id", {}, 400, missing("userId")],
    ["GET /user/id under an unknown app names its public tenant", "/appid-{app}/user/id", { query: { userId: "x" } }, 400, tenantNotFound("public", app)],
    ["POST /user/remove without userId", "/{nope}/user/remove", post({}), 400, invalid("userId")],
    ["POST /user/remove under a tenant: 403", "/{tenant}/user/remove", post({ userId: "x" }), 403, ONLY_PUBLIC],
    ["PUT /recipe/user without recipeUserId", "/{nope}/recipe/user", { method: "PUT", body: {} }, 400, invalid("recipeUserId")],
    ["PUT /recipe/user with neither email nor password", "/{tenant}/recipe/user", { method: "PUT", body: { recipeUserId: "x" } }, 400, "You have to provide either email or password."],
    ["PUT /recipe/user (passwordless) with a number as email", "/{tenant}/recipe/user", { method: "PUT", body: { recipeUserId: "x", email: 5 }, headers: { rid: "passwordless" } }, 400, invalid("email")],
    ["PUT /recipe/user (passwordless) under a tenant: 403", "/{tenant}/recipe/user", { method: "PUT", body: { recipeUserId: "x", email: null }, headers: { rid: "passwordless" } }, 403, ONLY_PUBLIC],
    ["PUT /recipe/user (thirdparty): no PUT there", "/recipe/user", { method: "PUT", body: {}, headers: { rid: "thirdparty" } }, 405, "Method not supported"],
  ]);
});

describe("sessions and JWTs", () => {
  run([
    ["create a session without userId", "/{nope}/recipe/session", post({}), 400, invalid("userId")],
    [
      "create a session with a protected claim: the tenant is looked up first",
      "/{nope}/recipe/session",
      post({ userId: "u", enableAntiCsrf: false, userDataInJWT: { sub: "x" }, userDataInDatabase: {} }),
      400,
      tenantNotFound(nope),
    ],
    ["verify without a token (the path's tenant is ignored)", "/{nope}/recipe/session/verify", post({}), 400, invalid("accessToken")],
    ["refresh without enableAntiCsrf", "/{nope}/recipe/session/refresh", post({ refreshToken: "x" }), 400, invalid("enableAntiCsrf")],
    ["remove sessions with neither userId nor handles", "/{nope}/recipe/session/remove", post({}), 400, "Invalid JSON input - use one of userId or sessionHandles array"],
    ["remove a user's sessions in the path's tenant only", "/{nope}/recipe/session/remove", post({ userId: "u", revokeAcrossAllTenants: false }), 400, tenantNotFound(nope)],
    ["list a user's sessions without userId", "/{nope}/recipe/session/user", {}, 400, missing("userId")],
    ["sign a JWT without an algorithm under a tenant", "/{tenant}/recipe/jwt", post({}), 400, invalid("algorithm")],
    ["sign a JWT with validity 0 under a tenant", "/{tenant}/recipe/jwt", post({ algorithm: "RS256", jwksDomain: "x", payload: {}, validity: 0 }), 400, "validity must be greater than or equal to 0"],
    ["sign a JWT with good input under a tenant: 403", "/{tenant}/recipe/jwt", post({ algorithm: "RS256", jwksDomain: "x", payload: {}, validity: 5 }), 403, ONLY_PUBLIC],
    ["GET /apiversion under an unknown app: the app before the tenant prefix", "/appid-{app}/{tenant}/apiversion", {}, 400, tenantNotFound("public", app)],
  ]);
});
