/**
 * Seed 04 through the real API, against the embedded core and a real LegacyAuth service: the five
 * steps (sign-up refused for a legacy email; first sign-in migrates; a reset makes a temporary
 * account; the reset clears the flag; a flagged account signs in only with the legacy password),
 * concurrent first sign-ins, and a legacy provider that is down or slow. Effects are checked on
 * the Core with plain supertokens-node calls.
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LEGACY_MIGRATION_MESSAGES, allowLegacyEmail, type MigrationRecord } from "../../backend-kit/index.ts";
import { DEFAULT_DATA_CONTRACT as C } from "../../backend-kit/data-contract.ts";
import { legacyPassword, legacyRoster, type LegacyRosterUser } from "../../main/embedded-core/demo/legacy-roster.ts";
import { post, type ApiAnswer } from "./app.ts";
import { startMigrationApp, type MigrationApp } from "./migration-app.ts";

let app: MigrationApp;
const roster = legacyRoster(1, 300);
const used = new Set<string>();

/** A legacy user no other test has used yet. */
function legacyUser(predicate: (u: LegacyRosterUser) => boolean = (u) => !u.disabled): LegacyRosterUser {
  const user = roster.find((u) => !used.has(u.id) && predicate(u));
  if (!user) throw new Error("the roster has no more users of that kind");
  used.add(user.id);
  return user;
}

beforeAll(async () => {
  app = await startMigrationApp();
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => {
  app.legacyProxy.setMode({ kind: "pass" });
  app.errors.length = 0;
});

const fields = (email: string, password: string) => ({ formFields: [{ id: "email", value: email }, { id: "password", value: password }] });
const signIn = (email: string, password: string) => post(app, "/auth/signin", fields(email, password), { rid: "emailpassword" });
const signUp = (email: string, password: string) => post(app, "/auth/signup", fields(email, password), { rid: "emailpassword" });
const askReset = (email: string) => post(app, "/auth/user/password/reset/token", { formFields: [{ id: "email", value: email }] }, { rid: "emailpassword" });
const resetPassword = (token: string, password: string) =>
  post(app, "/auth/user/password/reset", { token, formFields: [{ id: "password", value: password }] }, { rid: "emailpassword" });

/** Users with this email on the Core (plain SDK, not the kit). */
const onCore = (email: string) => supertokens.listUsersByAccountInfo("public", { email });
const metadataOf = async (id: string) => (await UserMetadata.getUserMetadata(id)).metadata as Record<string, unknown>;
const tokenOf = (link: string) => new URL(link).searchParams.get("token") ?? "";
const userIdOf = (answer: ApiAnswer) => (answer.body.user as { id: string } | undefined)?.id;

function accessTokenSubject(answer: ApiAnswer): string {
  const token = answer.headers.get("st-access-token") ?? "";
  return (JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub: string }).sub;
}

async function resetLinkFor(email: string): Promise<string> {
  const link = app.resetLinks.filter((l) => l.email === email).at(-1)?.link;
  if (!link) throw new Error(`no reset mail to ${email}`);
  return link;
}

describe("step 1: sign-up", () => {
  it("is refused for an email the legacy provider has (the SDK's EMAIL_ALREADY_EXISTS_ERROR), disabled accounts too, and creates nothing", async () => {
    for (const user of [legacyUser(), legacyUser((u) => u.disabled)]) {
      const answer = await signUp(user.email, "a-new-password-1");
      expect(answer.body).toEqual({ status: "FIELD_ERROR", formFields: [{ id: "email", error: "This email already exists. Please sign in instead." }] });
      expect(await onCore(user.email)).toEqual([]);
      expect(await EmailPassword.signUp("public", user.email, "a-new-password-1")).toEqual({ status: "EMAIL_ALREADY_EXISTS_ERROR" });
    }
  });

  it("lets a new email sign up, and the app's backend may create a legacy email on purpose", async () => {
    const fresh = await signUp("brand.new@example.net", "a-new-password-1");
    expect(fresh.body.status).toBe("OK");
    const user = legacyUser();
    const made = await EmailPassword.signUp("public", user.email, "chosen-by-backend-1", undefined, allowLegacyEmail());
    expect(made.status).toBe("OK");
  });
});

describe("step 2: the first sign-in", () => {
  it("with the legacy password creates the user, maps it to the legacy id before any metadata, copies email verification and imports the profile", async () => {
    const user = legacyUser((u) => !u.disabled && u.emailVerified);
    const tapStart = app.coreTap.seen.length;
    const answer = await signIn(user.email, legacyPassword(user));
    expect(answer.body.status).toBe("OK");
    expect(userIdOf(answer)).toBe(user.id);
    expect(accessTokenSubject(answer)).toBe(user.id);

    const [coreUser, ...others] = await onCore(user.email);
    expect(others).toEqual([]);
    expect(coreUser?.id).toBe(user.id);
    const mapping = await supertokens.getUserIdMapping({ userId: user.id, userIdType: "EXTERNAL" });
    expect(mapping).toMatchObject({ status: "OK", externalUserId: user.id, externalUserIdInfo: "migrated from LegacyAuth" });
    expect(await EmailVerification.isEmailVerified(coreUser!.loginMethods[0]!.recipeUserId, user.email)).toBe(true);

    const metadata = await metadataOf(user.id);
    expect(metadata.profile).toEqual({
      name: `${user.givenName} ${user.familyName}`,
      givenName: user.givenName,
      familyName: user.familyName,
      locale: user.locale,
      plan: user.plan,
      legacyCreatedAt: new Date(user.createdAt).toISOString(),
    });
    const record = metadata[C.migrationKey] as MigrationRecord;
    expect(record).toMatchObject({ legacyId: user.id, provider: "LegacyAuth", via: "sign-in" });
    expect(record.migratedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(metadata[C.temporaryPasswordKey]).toBeUndefined();

    // The Core refuses a mapping once the user has metadata: the mapping came first.
    const calls = app.coreTap.seen.slice(tapStart).map((r) => `${r.method} ${r.path}`);
    expect(calls.indexOf("POST /recipe/userid/map")).toBeGreaterThan(-1);
    expect(calls.indexOf("POST /recipe/userid/map")).toBeLessThan(calls.indexOf("PUT /recipe/user/metadata"));
  });

  it("keeps an unverified legacy email unverified, and later sign-ins are ordinary ones on the same user", async () => {
    const user = legacyUser((u) => !u.disabled && !u.emailVerified);
    expect((await signIn(user.email, legacyPassword(user))).body.status).toBe("OK");
    const [coreUser] = await onCore(user.email);
    expect(coreUser?.loginMethods[0]?.verified).toBe(false);
    const again = await signIn(user.email, legacyPassword(user));
    expect(userIdOf(again)).toBe(user.id);
    expect(await onCore(user.email)).toHaveLength(1);
    expect((await signIn(user.email, "not-the-password-1")).body.status).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("refuses a wrong password, an unknown email and a disabled legacy account with WRONG_CREDENTIALS_ERROR, creating nothing", async () => {
    const user = legacyUser();
    const disabled = legacyUser((u) => u.disabled);
    for (const [email, password] of [
      [user.email, "Legacy-000000"],
      ["nobody@nowhere.test", "whatever-1"],
      [disabled.email, legacyPassword(disabled)],
    ] as const) {
      expect((await signIn(email, password)).body).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
      expect(await onCore(email)).toEqual([]);
    }
  });

  it("also happens through EmailPassword.signIn in the backend (the recipe function)", async () => {
    const user = legacyUser();
    const result = await EmailPassword.signIn("public", user.email, legacyPassword(user));
    expect(result.status).toBe("OK");
    expect(result.status === "OK" && result.user.id).toBe(user.id);
    expect(result.status === "OK" && result.recipeUserId.getAsString()).toBe(user.id);
  });

  it("of one legacy user, eight at once, creates one account and signs all eight in as it", async () => {
    const user = legacyUser();
    const answers = await Promise.all(Array.from({ length: 8 }, () => signIn(user.email, legacyPassword(user))));
    expect(answers.map((a) => a.body.status)).toEqual(Array(8).fill("OK"));
    expect(new Set(answers.map(userIdOf))).toEqual(new Set([user.id]));
    expect(await onCore(user.email)).toHaveLength(1);
  });

  it("at once with a wrong password does not let the wrong one in", async () => {
    const user = legacyUser();
    const [good, bad] = await Promise.all([signIn(user.email, legacyPassword(user)), signIn(user.email, "Legacy-1")]);
    expect(good.body.status).toBe("OK");
    expect(bad.body.status).toBe("WRONG_CREDENTIALS_ERROR");
  });
});

describe("steps 3 and 4: password reset of a legacy user without an account", () => {
  it("makes the account with a temporary password and the flag, mails the link; the reset clears the flag and the new password signs in", async () => {
    const user = legacyUser();
    expect((await askReset(user.email)).body).toEqual({ status: "OK" });
    const [coreUser] = await onCore(user.email);
    expect(coreUser?.id).toBe(user.id);
    const before = await metadataOf(user.id);
    expect(before[C.temporaryPasswordKey]).toBe(true);
    expect(before[C.migrationKey]).toMatchObject({ legacyId: user.id, via: "password-reset" });
    expect(before.profile).toMatchObject({ givenName: user.givenName });
    // Nobody knows the temporary password; the legacy one does not fit it either (step 5 below).
    expect((await EmailPassword.verifyCredentials("public", user.email, legacyPassword(user))).status).toBe("WRONG_CREDENTIALS_ERROR");

    const link = await resetLinkFor(user.email);
    expect((await resetPassword(tokenOf(link), "my-new-password-7")).body.status).toBe("OK");
    const after = await metadataOf(user.id);
    expect(after[C.temporaryPasswordKey]).toBeUndefined();
    expect(after[C.migrationKey]).toMatchObject({ via: "password-reset", clearedBy: "password-reset", temporaryPasswordClearedAt: expect.any(Number) });

    expect(userIdOf(await signIn(user.email, "my-new-password-7"))).toBe(user.id);
    expect((await signIn(user.email, legacyPassword(user))).body.status).toBe("WRONG_CREDENTIALS_ERROR");
  });

  it("sends nothing and creates nothing for an unknown email or a disabled legacy account", async () => {
    const disabled = legacyUser((u) => u.disabled);
    for (const email of ["stranger@nowhere.test", disabled.email]) {
      expect((await askReset(email)).body).toEqual({ status: "OK" });
      expect(await onCore(email)).toEqual([]);
      expect(app.resetLinks.some((l) => l.email === email)).toBe(false);
    }
  });

  it("asked twice at once makes one account", async () => {
    const user = legacyUser();
    await Promise.all([askReset(user.email), askReset(user.email)]);
    expect(await onCore(user.email)).toHaveLength(1);
  });
});

describe("step 5: signing in on an account with the temporary-password flag", () => {
  it("with the legacy password lets the person in, sets that password and clears the flag", async () => {
    const user = legacyUser();
    await askReset(user.email);
    const answer = await signIn(user.email, legacyPassword(user));
    expect(answer.body.status).toBe("OK");
    expect(userIdOf(answer)).toBe(user.id);
    const metadata = await metadataOf(user.id);
    expect(metadata[C.temporaryPasswordKey]).toBeUndefined();
    expect(metadata[C.migrationKey]).toMatchObject({ via: "password-reset", clearedBy: "legacy-sign-in" });
    expect((await EmailPassword.verifyCredentials("public", user.email, legacyPassword(user))).status).toBe("OK");
  });

  it("with any other password, the temporary one included, is WRONG_CREDENTIALS_ERROR and keeps the flag", async () => {
    const user = legacyUser();
    await askReset(user.email);
    const [coreUser] = await onCore(user.email);
    // Someone who learned the temporary password still cannot use it.
    await EmailPassword.updateEmailOrPassword({ recipeUserId: coreUser!.loginMethods[0]!.recipeUserId, password: "known-temporary-1" });
    for (const password of ["known-temporary-1", "wrong-password-1"]) {
      expect((await signIn(user.email, password)).body).toEqual({ status: "WRONG_CREDENTIALS_ERROR" });
    }
    expect((await metadataOf(user.id))[C.temporaryPasswordKey]).toBe(true);
  });
});

describe("a legacy provider that is down or slow", () => {
  it("down: sign-in, sign-up and reset answer a clear GENERAL_ERROR, and nothing is created", async () => {
    const user = legacyUser();
    app.legacyProxy.setMode({ kind: "drop" });
    const expected = { status: "GENERAL_ERROR", message: LEGACY_MIGRATION_MESSAGES.providerUnavailable };
    expect((await signIn(user.email, legacyPassword(user))).body).toEqual(expected);
    expect((await signUp("another.new@example.net", "a-new-password-1")).body).toEqual(expected);
    expect((await askReset(user.email)).body).toEqual(expected);
    expect(await onCore(user.email)).toEqual([]);
    expect(await onCore("another.new@example.net")).toEqual([]);
    expect(app.errors.map((e) => e.name)).toEqual(Array(3).fill("LegacyProviderUnavailableError"));

    app.legacyProxy.setMode({ kind: "pass" });
    expect(userIdOf(await signIn(user.email, legacyPassword(user)))).toBe(user.id);
  });

  it("slower than the deadline: the same GENERAL_ERROR, and nothing is created", async () => {
    const user = legacyUser();
    app.legacyProxy.setMode({ kind: "delay", ms: 4000 });
    expect((await signIn(user.email, legacyPassword(user))).body).toEqual({ status: "GENERAL_ERROR", message: LEGACY_MIGRATION_MESSAGES.providerUnavailable });
    expect(app.errors[0]?.message).toMatch(/did not answer the credential check within 1500 ms/);
    expect(await onCore(user.email)).toEqual([]);
  });

  it("an already migrated user signs in without the legacy provider", async () => {
    const user = legacyUser();
    expect((await signIn(user.email, legacyPassword(user))).body.status).toBe("OK");
    app.legacyProxy.setMode({ kind: "drop" });
    expect(userIdOf(await signIn(user.email, legacyPassword(user)))).toBe(user.id);
  });
});

describe("a Core step that fails half-way", () => {
  it("removes the new user again and answers GENERAL_ERROR, so a retry starts from nothing", async () => {
    const user = legacyUser();
    // The legacy id is already mapped to someone else, so the mapping step fails after the sign-up.
    const squatter = await EmailPassword.signUp("public", "squatter@example.net", "squatter-pass-1");
    if (squatter.status !== "OK") throw new Error("setup failed");
    await supertokens.createUserIdMapping({ superTokensUserId: squatter.user.id, externalUserId: user.id });

    expect((await signIn(user.email, legacyPassword(user))).body).toEqual({ status: "GENERAL_ERROR", message: LEGACY_MIGRATION_MESSAGES.migrationFailed });
    expect(await onCore(user.email)).toEqual([]);
    expect(app.errors[0]?.message).toMatch(/USER_ID_MAPPING_ALREADY_EXISTS_ERROR/);

    await supertokens.deleteUser(user.id);
    expect(userIdOf(await signIn(user.email, legacyPassword(user)))).toBe(user.id);
  });
});
