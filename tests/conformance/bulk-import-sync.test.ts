/**
 * Bulk import of one user at once (POST /bulk-import/import) and the password-hash import
 * (POST /recipe/user/passwordhash/import), as Core 11.4.7 on PostgreSQL answers them; what they
 * create is checked through supertokens-node (sign-in with the old password, mapping, metadata,
 * roles, email verification).
 */
import { argon2id } from "@noble/hashes/argon2";
import bcrypt from "bcryptjs";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { embedded, json, raw, uniquePhone } from "./helpers.ts";
import { UUID, expectJson400, tag, describeBulkImport } from "./bulk-import-helpers.ts";
import { expectText, ok } from "./rule-helpers.ts";

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore({ multitenancyLicensed: false });
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  await core?.close();
});

const importUser = (user: unknown, path = "/bulk-import/import") => raw(core, path, { method: "POST", body: user });

interface CoreUserJson {
  id: string;
  timeJoined: number;
  loginMethods: { recipeUserId: string; verified: boolean; timeJoined: number; email?: string; phoneNumber?: string }[];
}

async function imported(user: unknown): Promise<CoreUserJson> {
  const res = await importUser(user);
  expect(res.status, res.text).toBe(200);
  const body = json<{ status: string; user: CoreUserJson }>(res);
  expect(body.status).toBe("OK");
  return body.user;
}

const signIn = async (email: string, password: string): Promise<string> => (await EmailPassword.signIn("public", email, password)).status;

/** An argon2id hash in the encoded form the Core reads ($argon2id$v=19$m=..,t=..,p=..$salt$hash). */
function argon2Hash(password: string): string {
  const salt = Buffer.from(tag("salt").padEnd(16, "s"));
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64").replace(/=+$/, "");
  return `$argon2id$v=19$m=64,t=1,p=1$${b64(salt)}$${b64(argon2id(password, salt, { t: 1, m: 64, p: 1 }))}`;
}

describeBulkImport("POST /bulk-import/import", () => {
  it("imports a user at once: the answer, then the mapping, metadata, roles, verified email, time joined and password on the Core", async () => {
    const t = tag("sync");
    const role = `role-${t}`;
    await UserRoles.createNewRoleOrAddPermissions(role, []);
    const user = await imported({
      externalUserId: `legacy-${t}`,
      userMetadata: { isUsingTemporaryPassword: true, name: "Ada" },
      userRoles: [{ role, tenantIds: ["public"] }],
      loginMethods: [{ recipeId: "emailpassword", email: `Sync-${t}@Example.com`, plainTextPassword: "Legacy-pass-1", isVerified: true, timeJoinedInMSSinceEpoch: 1600000000000 }],
    });
    const email = `sync-${t}@example.com`;
    expect(user).toEqual({
      id: `legacy-${t}`,
      isPrimaryUser: false,
      tenantIds: ["public"],
      timeJoined: 1600000000000,
      emails: [email],
      phoneNumbers: [],
      thirdParty: [],
      webauthn: { credentialIds: [] },
      loginMethods: [{ tenantIds: ["public"], recipeUserId: `legacy-${t}`, verified: true, timeJoined: 1600000000000, recipeId: "emailpassword", email }],
    });
    const mapping = await supertokens.getUserIdMapping({ userId: `legacy-${t}`, userIdType: "EXTERNAL" });
    expect(mapping).toEqual({ status: "OK", superTokensUserId: expect.stringMatching(UUID), externalUserId: `legacy-${t}` });
    expect((await UserMetadata.getUserMetadata(`legacy-${t}`)).metadata).toEqual({ isUsingTemporaryPassword: true, name: "Ada" });
    expect((await UserRoles.getRolesForUser("public", `legacy-${t}`)).roles).toEqual([role]);
    const recipeUserId = supertokens.convertToRecipeUserId(`legacy-${t}`);
    expect(await EmailVerification.isEmailVerified(recipeUserId, email)).toBe(true);
    expect(await signIn(email, "Legacy-pass-1")).toBe("OK");
    expect(await signIn(email, "wrong")).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("imported bcrypt ($2a, $2b, $2y) and argon2 hashes sign in with the old password", async () => {
    const cases = [
      { alg: "bcrypt", hash: bcrypt.hashSync("Old-bcrypt-1", 4) },
      { alg: "bcrypt", hash: `$2a${bcrypt.hashSync("Old-bcrypt-1", 4).slice(3)}` },
      { alg: "BCRYPT", hash: `$2y${bcrypt.hashSync("Old-bcrypt-1", 4).slice(3)}` },
      { alg: "argon2", hash: argon2Hash("Old-argon-1") },
    ];
    for (const c of cases) {
      const email = `${tag("hash")}@example.com`;
      await imported({ loginMethods: [{ recipeId: "emailpassword", email, passwordHash: c.hash, hashingAlgorithm: c.alg }] });
      const password = c.alg.toLowerCase() === "argon2" ? "Old-argon-1" : "Old-bcrypt-1";
      expect(await signIn(email, password), c.hash).toBe("OK");
      expect(await signIn(email, `${password}x`)).toBe("WRONG_CREDENTIALS_ERROR");
    }
  });

  it("passwordless users: an email not marked verified is not verified; a phone number is normalised", async () => {
    const email = `${tag("pl")}@example.com`;
    const a = await imported({ loginMethods: [{ recipeId: "passwordless", email, isVerified: false }] });
    expect(a.loginMethods[0]).toMatchObject({ verified: false, email });
    const phone = uniquePhone();
    const b = await imported({ loginMethods: [{ recipeId: "passwordless", phoneNumber: `+1 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}` }] });
    expect(b.loginMethods[0]).toMatchObject({ verified: true, phoneNumber: phone });
  });

  it("metadata is merged into what the external id already has (a null removes a key)", async () => {
    const ext = tag("md");
    await UserMetadata.updateUserMetadata(ext, { keep: 1, over: "old", gone: true });
    await imported({ externalUserId: ext, userMetadata: { over: "new", gone: null }, loginMethods: [{ recipeId: "emailpassword", email: `${ext}@example.com`, plainTextPassword: "pw" }] });
    expect((await UserMetadata.getUserMetadata(ext)).metadata).toEqual({ keep: 1, over: "new" });
  });

  it("a conflict fails the import with the Core's error code, and nothing of the user stays", async () => {
    const t = tag("conflict");
    const email = `${t}@example.com`;
    await imported({ externalUserId: `x-${t}`, loginMethods: [{ recipeId: "emailpassword", email, plainTextPassword: "pw" }] });
    expectJson400(await importUser({ loginMethods: [{ recipeId: "emailpassword", email: email.toUpperCase(), plainTextPassword: "pw" }] }), {
      errors: [`E003: A user with email ${email} already exists in emailpassword loginMethod.`],
    });
    const phone = uniquePhone();
    await imported({ loginMethods: [{ recipeId: "passwordless", email: `pl-${email}`, phoneNumber: phone }] });
    expectJson400(await importUser({ loginMethods: [{ recipeId: "passwordless", email: `pl-${email}` }] }), {
      errors: [`E006: A user with email pl-${email} already exists in passwordless loginMethod.`],
    });
    expectJson400(await importUser({ loginMethods: [{ recipeId: "passwordless", phoneNumber: phone }] }), {
      errors: [`E007: A user with phoneNumber ${phone} already exists in passwordless loginMethod.`],
    });
    // A second user on an external id already mapped: the Core passes PostgreSQL's error on.
    const other = `other-${email}`;
    const res = await importUser({ externalUserId: `x-${t}`, loginMethods: [{ recipeId: "emailpassword", email: other, plainTextPassword: "pw" }] });
    expect(res.status).toBe(400);
    const [message] = json<{ errors: string[] }>(res).errors;
    expect(message).toMatch(
      new RegExp(
        String.raw`^io\.supertokens\.pluginInterface\.exceptions\.StorageQueryException: java\.sql\.BatchUpdateException: Batch entry 0 INSERT INTO userid_mapping \(app_id, supertokens_user_id, external_user_id\) VALUES\(\('public'\), \('[0-9a-f-]{36}'\), \('x-${t}'\)\) was aborted: ERROR: duplicate key value violates unique constraint "userid_mapping_external_user_id_key"\n  Detail: Key \(app_id, external_user_id\)=\(public, x-${t}\) already exists\.  Call getNextException to see other errors in the batch\.$`,
      ),
    );
    // The import was rolled back whole: the email is free.
    expect((await supertokens.listUsersByAccountInfo("public", { email: other })).length).toBe(0);
  });

  it("an external id that is a SuperTokens user id (E030), a verified email the id already has (E043), a primary user (E019), a role the user has (PostgreSQL's error)", async () => {
    const t = tag("errs");
    const existing = await EmailPassword.signUp("public", `${t}@example.com`, "Password123!");
    if (existing.status !== "OK") throw new Error(existing.status);
    expectJson400(await importUser({ externalUserId: existing.user.id, loginMethods: [{ recipeId: "emailpassword", email: `a-${t}@example.com`, plainTextPassword: "pw" }] }), {
      errors: ["E030: io.supertokens.pluginInterface.bulkimport.exceptions.BulkImportBatchInsertException: useridmapping errors"],
    });

    const ext = `ev-${t}`;
    const token = await EmailVerification.createEmailVerificationToken("public", supertokens.convertToRecipeUserId(ext), `ev-${t}@example.com`);
    if (token.status !== "OK") throw new Error(token.status);
    await EmailVerification.verifyEmailUsingToken("public", token.token);
    expectJson400(
      await importUser({ externalUserId: ext, loginMethods: [{ recipeId: "emailpassword", email: `ev-${t}@example.com`, plainTextPassword: "pw", isVerified: true }] }),
      { errors: ["E043: Email io.supertokens.pluginInterface.emailpassword.exceptions.DuplicateEmailException is already verified for the user"] },
    );

    expectJson400(await importUser({ loginMethods: [{ recipeId: "passwordless", email: `p-${t}@example.com`, isPrimary: true }] }), {
      errors: ["java.lang.Exception: E019: Account linking feature is not enabled for this app. Please contact support to enable it."],
    });

    const role = `role-${t}`;
    await UserRoles.createNewRoleOrAddPermissions(role, []);
    await UserRoles.addRoleToUser("public", `r-${t}`, role);
    const dup = await importUser({ externalUserId: `r-${t}`, userRoles: [{ role, tenantIds: ["public"] }], loginMethods: [{ recipeId: "emailpassword", email: `r-${t}@example.com`, plainTextPassword: "pw" }] });
    expectJson400(dup, {
      errors: [
        "io.supertokens.pluginInterface.exceptions.StorageTransactionLogicException: io.supertokens.pluginInterface.exceptions.StorageQueryException: " +
          `java.sql.BatchUpdateException: Batch entry 0 INSERT INTO user_roles(app_id, tenant_id, user_id, role) VALUES(('public'), ('public'), ('r-${t}'), ('${role}')) was aborted: ` +
          `ERROR: duplicate key value violates unique constraint "user_roles_pkey"\n  Detail: Key (app_id, tenant_id, user_id, role)=(public, public, r-${t}, ${role}) already exists.  ` +
          "Call getNextException to see other errors in the batch.",
      ],
    });
  });

  it("checks the user as staging does: errors as a list, the Core's 500s, app-level", async () => {
    expectJson400(await importUser({}), { errors: ["loginMethods is required."] });
    expectJson400(await importUser({ externalUserId: 12, loginMethods: [] }), { errors: ["externalUserId should be of type string.", "At least one loginMethod is required."] });
    expectText(await importUser("[1]"), 400, "Invalid Json Input\n");
    expectText(
      await importUser({ loginMethods: [{ recipeId: "passwordless", email: "a@b.c" }], userRoles: [{ role: "", tenantIds: [] }] }),
      500,
      'java.lang.NullPointerException: Cannot invoke "String.length()" because "<parameter1>" is null\n',
    );
    expectText(await importUser({}, "/t-none/bulk-import/import"), 403, "Only public tenantId can call this app specific API\n");
  });

  it("does not stage anything", async () => {
    const before = ok<{ count: number }>(await raw(core, "/bulk-import/users/count")).count;
    await imported({ loginMethods: [{ recipeId: "emailpassword", email: `${tag("ns")}@example.com`, plainTextPassword: "pw" }] });
    if (embedded) expect(ok<{ count: number }>(await raw(core, "/bulk-import/users/count")).count).toBe(before);
  });
});

describeBulkImport("POST /recipe/user/passwordhash/import", () => {
  const hashImport = (body: unknown, path = "/recipe/user/passwordhash/import") => raw(core, path, { method: "POST", body });

  it("creates an EmailPassword user with the old hash, then replaces the hash of that user", async () => {
    const email = `${tag("ph")}@example.com`;
    const first = ok<{ status: string; user: CoreUserJson; didUserAlreadyExist: boolean }>(
      await hashImport({ email: email.toUpperCase(), passwordHash: ` ${bcrypt.hashSync("First-1", 4)} ` }),
    );
    expect(first).toMatchObject({ status: "OK", didUserAlreadyExist: false, user: { emails: [email], loginMethods: [{ recipeId: "emailpassword", verified: false }] } });
    expect(await signIn(email, "First-1")).toBe("OK");
    const second = ok<{ user: CoreUserJson; didUserAlreadyExist: boolean }>(await hashImport({ email, passwordHash: argon2Hash("Second-2"), hashingAlgorithm: " argon2 " }));
    expect(second).toMatchObject({ didUserAlreadyExist: true, user: { id: first.user.id } });
    expect(await signIn(email, "Second-2")).toBe("OK");
    expect(await signIn(email, "First-1")).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("a hash of the right prefix that does not parse is accepted and never matches", async () => {
    const email = `${tag("ph")}@example.com`;
    ok(await hashImport({ email, passwordHash: "$2a$10$abc" }));
    expect(await signIn(email, "anything")).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("errors, in the Core's order: fields, empty hash, algorithm, tenant, format", async () => {
    expectText(await hashImport({ passwordHash: "x" }), 400, "Field name 'email' is invalid in JSON input\n");
    expectText(await hashImport({ email: "a@b.c", passwordHash: "  " }, "/t-none/recipe/user/passwordhash/import"), 400, "Password hash cannot be an empty string\n");
    expectText(await hashImport({ email: "a@b.c", passwordHash: "x", hashingAlgorithm: " " }), 400, "Hashing Algorithm cannot be an empty string\n");
    expectText(await hashImport({ email: "a@b.c", passwordHash: "x", hashingAlgorithm: "md5" }), 400, "Unsupported password hashing algorithm\n");
    expectText(
      await hashImport({ email: "a@b.c", passwordHash: "x" }, "/t-none/recipe/user/passwordhash/import"),
      400,
      "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: (, public, t-none)\n",
    );
    expectText(await hashImport({ email: "a@b.c", passwordHash: "x" }), 400, "Password hash is in invalid format\n");
    expectText(await hashImport({ email: "a@b.c", passwordHash: "x", hashingAlgorithm: "argon2" }), 400, "Password hash is in invalid Argon2 format\n");
    expectText(await hashImport({ email: "a@b.c", passwordHash: "x", hashingAlgorithm: "bcrypt" }), 400, "Password hash is in invalid BCrypt format\n");
    const noKey = "java.lang.IllegalStateException: 'firebase_password_hashing_signer_key' cannot be null\n";
    expectText(await hashImport({ email: "a@b.c", passwordHash: "x", hashingAlgorithm: "firebase_scrypt" }), 500, noKey);
    expectText(await hashImport({ email: "a@b.c", passwordHash: "$f_scrypt$aGFzaA==$c2FsdA==$m=14$r=8$s=Bw==" }), 500, noKey);
  });
});

describe.skipIf(!embedded)("Firebase scrypt hashes (embedded only: needs a core started with a signer key)", () => {
  // Firebase's published example (github.com/firebase/scrypt): its signer key, salt separator, rounds and cost.
  const signerKey = "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==";
  const hash = "$f_scrypt$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==$42xEC+ixf3L2lw==$m=14$r=8$s=Bw==";
  let keyed: TestCore;

  beforeAll(async () => {
    keyed = await startTestCore({ firebasePasswordHashingSignerKey: signerKey });
  });

  afterAll(async () => {
    await keyed?.close();
  });

  it("a bulk-imported Firebase user signs in with the Firebase password", async () => {
    const email = `${tag("fb")}@example.com`;
    ok(await raw(keyed, "/bulk-import/import", { method: "POST", body: { loginMethods: [{ recipeId: "emailpassword", email, passwordHash: hash, hashingAlgorithm: "firebase_scrypt" }] } }));
    const signin = (password: string) => raw(keyed, "/recipe/signin", { method: "POST", body: { email, password } });
    expect(json(await signin("user1password")).status).toBe("OK");
    expect(json(await signin("user2password")).status).toBe("WRONG_CREDENTIALS_ERROR");
    expectText(await raw(keyed, "/recipe/user/passwordhash/import", { method: "POST", body: { email, passwordHash: "$f_scrypt$x", hashingAlgorithm: "firebase_scrypt" } }), 400, "Password hash is in invalid Firebase SCrypt format\n");
  });
});

describe.skipIf(!embedded)("other tenants (embedded only: a core with the multitenancy feature; the reference PostgreSQL Core has no licence)", () => {
  let licensed: TestCore;

  beforeAll(async () => {
    licensed = await startTestCore();
  });

  afterAll(async () => {
    await licensed?.close();
  });

  it("imports into every tenant given, with roles per tenant; an email taken in a later tenant is E014", async () => {
    const tenantId = tag("t");
    ok(await raw(licensed, "/recipe/multitenancy/tenant/v2", { method: "PUT", body: { tenantId } }));
    ok(await raw(licensed, "/recipe/role", { method: "PUT", body: { role: "viewer" } }));
    const email = `${tag("mt")}@example.com`;
    const res = await raw(licensed, "/bulk-import/import", {
      method: "POST",
      body: {
        externalUserId: `ext-${email}`,
        userRoles: [{ role: "viewer", tenantIds: [tenantId.toUpperCase()] }],
        loginMethods: [{ recipeId: "emailpassword", email, plainTextPassword: "pw", tenantIds: ["public", ` ${tenantId.toUpperCase()} `] }],
      },
    });
    expect(json<{ user: { tenantIds: string[] } }>(res).user.tenantIds.sort()).toEqual(["public", tenantId].sort());
    expect(ok(await raw(licensed, `/${tenantId}/recipe/user/roles`, { query: { userId: `ext-${email}` } }))).toEqual({ roles: ["viewer"], status: "OK" });
    expect(ok(await raw(licensed, "/recipe/user/roles", { query: { userId: `ext-${email}` } }))).toEqual({ roles: [], status: "OK" });

    const other = `${tag("mt")}@example.com`;
    ok(await raw(licensed, `/${tenantId}/recipe/signup`, { method: "POST", body: { email: other, password: "Password123!" } }));
    const clash = await raw(licensed, "/bulk-import/import", {
      method: "POST",
      body: { loginMethods: [{ recipeId: "emailpassword", email: other, plainTextPassword: "pw", tenantIds: ["public", tenantId] }] },
    });
    expect(clash.status).toBe(400);
    expect(json<{ errors: string[] }>(clash).errors[0]).toMatch(
      new RegExp(`^E014: We tried to add the userId [0-9a-f-]{36} to the tenantId ${tenantId} but another user with email ${other} already exists\\.$`),
    );
    const unknown = await raw(licensed, "/bulk-import/import", { method: "POST", body: { loginMethods: [{ recipeId: "emailpassword", email: other, plainTextPassword: "pw", tenantIds: ["nope"] }] } });
    expect(json<{ errors: string[] }>(unknown).errors).toEqual([
      "Invalid tenantId: nope for emailpassword recipe.",
      expect.stringMatching(/^LoginMethod '.*' has no tenantId$/),
    ]);
  });
});
