/**
 * Raw HTTP requests: a well-formed call to an endpoint the SDK uses, then broken in one or two
 * ways: a field dropped, null, of the wrong type or extra; a body that is not JSON; a wrong
 * method; an odd path (double or trailing slash, upper case, unknown tenant, an app prefix);
 * a bad cdi-version header. Bodies only name this run's ids, so a request that the Core takes
 * anyway changes nothing another run sees.
 */
import type { ArgGen } from "./args.ts";
import type { Args, OpKind } from "./op.ts";
import { rawCall } from "./raw.ts";
import { ZERO_UUID } from "./world.ts";

interface Endpoint {
  method: string;
  path: string;
  /** True when the path takes a /<tenantId> prefix. */
  tenant?: boolean;
  /** In `public` it would read what every client of a shared Core made (counts, listings): only this run's tenants. */
  ownTenant?: boolean;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

const ENDPOINTS: Endpoint[] = [
  { method: "POST", path: "/recipe/signup", tenant: true, body: { email: "$E0", password: "Password123!" } },
  { method: "POST", path: "/recipe/signin", tenant: true, body: { email: "$E0", password: "Password123!" } },
  { method: "POST", path: "/recipe/signinup/code", tenant: true, body: { email: "$E1" } },
  { method: "POST", path: "/recipe/signinup/code/consume", tenant: true, body: { preAuthSessionId: "abc", deviceId: "ZGV2aWNl", userInputCode: "123456" } },
  { method: "GET", path: "/recipe/signinup/codes", tenant: true, query: { email: "$E1" } },
  { method: "PUT", path: "/recipe/user", body: { recipeUserId: "$U0", email: "$E3" } },
  { method: "PUT", path: "/recipe/user/metadata", body: { userId: "$S0", metadataUpdate: { a: 1 } } },
  { method: "GET", path: "/recipe/user/metadata", query: { userId: "$S0" } },
  { method: "POST", path: "/recipe/user/metadata/remove", body: { userId: "$S1" } },
  { method: "POST", path: "/recipe/user/metadata/bulk", body: { userIds: ["$S0", "$S1"] } },
  { method: "PUT", path: "/recipe/role", body: { role: "$R0", permissions: ["read"] } },
  { method: "GET", path: "/recipe/role/permissions", query: { role: "$R0" } },
  { method: "POST", path: "/recipe/role/permissions/remove", body: { role: "$R0", permissions: ["read"] } },
  { method: "POST", path: "/recipe/role/remove", body: { role: "$R3" } },
  { method: "PUT", path: "/recipe/user/role", tenant: true, body: { userId: "$S0", role: "$R0" } },
  { method: "POST", path: "/recipe/user/role/remove", tenant: true, body: { userId: "$S0", role: "$R0" } },
  { method: "GET", path: "/recipe/user/roles", tenant: true, query: { userId: "$S0" } },
  { method: "GET", path: "/recipe/role/users", tenant: true, query: { role: "$R0" } },
  { method: "POST", path: "/recipe/userid/map", body: { superTokensUserId: "$U0", externalUserId: "$X0" } },
  { method: "GET", path: "/recipe/userid/map", query: { userId: "$X0", userIdType: "EXTERNAL" } },
  { method: "POST", path: "/recipe/userid/map/remove", body: { userId: "$X2", userIdType: "ANY" } },
  { method: "PUT", path: "/recipe/userid/external-user-id-info", body: { userId: "$X0", userIdType: "EXTERNAL", externalUserIdInfo: "info" } },
  { method: "GET", path: "/user/id", query: { userId: "$U0" } },
  { method: "GET", path: "/users", tenant: true, ownTenant: true, query: { limit: "2", timeJoinedOrder: "DESC" } },
  { method: "GET", path: "/users/count", tenant: true, ownTenant: true, query: { includeRecipeIds: "emailpassword" } },
  { method: "GET", path: "/users/by-accountinfo", tenant: true, query: { email: "$E0", doUnionOfAccountInfo: "false" } },
  { method: "POST", path: "/user/remove", body: { userId: "$S2" } },
  { method: "PUT", path: "/recipe/multitenancy/tenant/v2", body: { tenantId: "$T2", firstFactors: ["emailpassword"] } },
  { method: "GET", path: "/recipe/multitenancy/tenant/v2", tenant: true },
  { method: "POST", path: "/recipe/multitenancy/tenant/user", tenant: true, body: { recipeUserId: "$U1" } },
  { method: "POST", path: "/recipe/multitenancy/tenant/user/remove", tenant: true, body: { recipeUserId: "$S0" } },
  { method: "POST", path: "/recipe/session", tenant: true, body: { userId: "$S0", userDataInJWT: {}, userDataInDatabase: {}, enableAntiCsrf: false } },
  { method: "POST", path: "/recipe/session/refresh", body: { refreshToken: "garbage", enableAntiCsrf: false } },
  { method: "POST", path: "/recipe/session/remove", body: { sessionHandles: [ZERO_UUID] } },
  { method: "GET", path: "/recipe/session", query: { sessionHandle: ZERO_UUID } },
  { method: "POST", path: "/recipe/user/password/reset/token", tenant: true, body: { userId: "$U0", email: "$E0" } },
  { method: "POST", path: "/recipe/user/password/reset/token/consume", tenant: true, body: { token: "garbage" } },
  { method: "POST", path: "/recipe/user/email/verify/token", tenant: true, body: { userId: "$U0", email: "$E0" } },
  { method: "GET", path: "/recipe/user/email/verify", query: { userId: "$U0", email: "$E0" } },
  { method: "GET", path: "/hello" },
  { method: "GET", path: "/" },
  { method: "GET", path: "/apiversion" },
  { method: "GET", path: "/.well-known/jwks.json" },
];

const WRONG_TYPES: unknown[] = [null, 42, true, [], {}, "", ["x"], 1.5];
/** Fields that name what a request reads or writes: never blanked, since "" is shared by every run on a Core. */
const NAMING = /^(userId|userIds|recipeUserId|superTokensUserId|externalUserId|role|email|phoneNumber|tenantId)$/;

/** In a query every value is a string: odd ones for naming fields still carry the namespace. */
const ODD_QUERY_NAMES = ["%{ns}%", " {ns} ", "{ns}_", "{NS}"];

function mutateObject(g: ArgGen, obj: Record<string, unknown>, inQuery = false): [string, Record<string, unknown>] {
  const keys = Object.keys(obj);
  const key = keys.length ? g.rng.pick(keys) : "x";
  const wrong = NAMING.test(key) ? (inQuery ? ODD_QUERY_NAMES : WRONG_TYPES.filter((v) => v !== "")) : WRONG_TYPES;
  return g.rng.weighted<() => [string, Record<string, unknown>]>([
    [25, () => [`drop ${key}`, Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key))]],
    [25, () => [`${key} = null`, { ...obj, [key]: null }]],
    [35, () => {
      const v = g.rng.pick(wrong);
      return [`${key} = ${JSON.stringify(v)}`, { ...obj, [key]: v }];
    }],
    [15, () => ["extra field", { ...obj, unexpected: g.rng.pick([1, null, "x"]) }]],
  ])();
}

/** Builds a broken request for an endpoint; `how` says in words what was broken. */
function genRaw(g: ArgGen): Args {
  const ep = g.rng.pick(ENDPOINTS);
  let method = ep.method;
  let path = ep.path;
  let tenant: string | undefined = ep.ownTenant ? "$T1" : ep.tenant ? g.rng.weighted([[60, "public"], [25, "$T1"], [15, "(none)"]]) : "(none)";
  let query = ep.query ? { ...ep.query } : undefined;
  let body: unknown = ep.body ? { ...ep.body } : undefined;
  let cdi: string | null | undefined;
  const how: string[] = [];
  const rounds = g.rng.chance(0.25) ? 2 : 1;
  for (let i = 0; i < rounds; i++) {
    g.rng.weighted<() => void>([
      [30, () => {
        if (body !== null && typeof body === "object" && !Array.isArray(body)) {
          const [what, next] = mutateObject(g, body as Record<string, unknown>);
          how.push(what);
          body = next;
        } else if (query) {
          const [what, next] = mutateObject(g, query, true);
          how.push(`query ${what}`);
          query = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== null).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
        }
      }],
      [12, () => {
        body = g.rng.pick(["{not json", "", "[]", '"text"', "null", "123", "[{}]", '{"a":1}{'] as const);
        how.push("body not an object");
      }],
      [12, () => {
        method = g.rng.pick(["GET", "POST", "PUT", "DELETE", "PATCH"].filter((m) => m !== method));
        how.push(`method ${method}`);
      }],
      [14, () => {
        const [what, next] = g.rng.pick<[string, string]>([
          ["trailing slash", `${path}/`],
          ["double slash inside", path.replace(/\/(?=[^/]*$)/, "//")],
          ["path in upper case", path.toUpperCase()],
          ["unknown path", `${path}/nope`],
        ]);
        how.push(what);
        path = next;
      }],
      [14, () => {
        tenant = g.rng.pick(["$T1^", "$NOPE", "appid-x/public", "appid-x", "bad_tenant!", ...(ep.ownTenant ? [] : ["PUBLIC", ""])]);
        how.push(`tenant prefix ${tenant}`);
      }],
      [6, () => {
        how.push("leading double slash");
        path = `/${path}`;
      }],
      [12, () => {
        cdi = g.rng.pick([null, "abc", "1.0", "99.0", "", "5", "5.4.1", " 5.4"]);
        how.push(`cdi-version ${cdi === null ? "missing" : JSON.stringify(cdi)}`);
      }],
    ])();
  }
  return { how: how.join("; "), method, tenant, path, ...(query ? { query } : {}), ...(body !== undefined ? { body } : {}), ...(cdi !== undefined ? { cdi } : {}) };
}

export const rawOps: Record<string, OpKind> = {
  raw: {
    weight: 10,
    gen: genRaw,
    run: (a, w) => {
      const tenant = a.tenant === "(none)" ? "" : `/${a.tenant as string}`;
      return rawCall(w.core, {
        method: a.method as string,
        path: tenant + (a.path as string),
        query: a.query as Record<string, string> | undefined,
        body: a.body,
        cdi: a.cdi as string | null | undefined,
      });
    },
  },
};
