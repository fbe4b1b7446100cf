/**
 * Password reset and email verification rules of the real Core 11.4.7, over raw HTTP (source
 * notes §7 "EmailPassword" reset token rows, §8 "EmailVerification", §15 gotchas 9–10).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { raw, uniqueEmail, unknownUserId } from "./helpers.ts";
import { createTenant, expectText, ok, rawSignUp, removeTenant, uniq } from "./rule-helpers.ts";

let core: TestCore;
const tenants: string[] = [];

beforeAll(async () => {
  core = await startTestCore();
});

afterAll(async () => {
  try {
    for (const t of tenants) await removeTenant(core, t);
  } finally {
    await core?.close();
  }
});

async function tenant(): Promise<string> {
  const t = await createTenant(core, uniq("t"));
  tenants.push(t);
  return t;
}

const post = (path: string, body: unknown) => raw(core, path, { method: "POST", body });

async function plessUser(email: string): Promise<string> {
  const code = ok<{ preAuthSessionId: string; deviceId: string; userInputCode: string }>(
    await post("/public/recipe/signinup/code", { email }),
  );
  const res = ok<{ status: string; user: { id: string } }>(
    await post("/public/recipe/signinup/code/consume", {
      preAuthSessionId: code.preAuthSessionId,
      deviceId: code.deviceId,
      userInputCode: code.userInputCode,
    }),
  );
  expect(res.status).toBe("OK");
  return res.user.id;
}

describe("password reset tokens (§7, gotcha 9)", () => {
  it("the user id is resolved before the email is read: unknown user without email is UNKNOWN_USER_ID_ERROR", async () => {
    expect(ok(await post("/public/recipe/user/password/reset/token", { userId: unknownUserId() }))).toStrictEqual({
      status: "UNKNOWN_USER_ID_ERROR",
    });
    const id = await rawSignUp(core, uniqueEmail("epr-noemail"));
    expectText(
      await post("/public/recipe/user/password/reset/token", { userId: id }),
      400,
      "Field name 'email' is invalid in JSON input\n",
    );
  });

  it("creation checks neither the recipe nor the email: a passwordless user gets a token for any email", async () => {
    const id = await plessUser(uniqueEmail("epr-pless"));
    const other = uniqueEmail("epr-other");
    const { token } = ok<{ status: string; token: string }>(
      await post("/public/recipe/user/password/reset/token", { userId: id, email: other }),
    );
    expect(token).toMatch(/^[A-Za-z0-9]+$/);
    expect(ok(await post("/public/recipe/user/password/reset/token/consume", { token }))).toStrictEqual({
      status: "OK",
      userId: id,
      email: other,
    });
  });

  it("the token keeps the email as given, not normalized, and consuming it returns it so", async () => {
    const email = uniqueEmail("epr-raw");
    const id = await rawSignUp(core, email);
    const given = ` ${email.toUpperCase()} `;
    const { token } = ok<{ token: string }>(await post("/public/recipe/user/password/reset/token", { userId: id, email: given }));
    expect(ok(await post("/public/recipe/user/password/reset/token/consume", { token }))).toStrictEqual({ status: "OK", userId: id, email: given });
  });

  it("consume does not change the password", async () => {
    const email = uniqueEmail("epr-keep");
    const id = await rawSignUp(core, email);
    const { token } = ok<{ token: string }>(await post("/public/recipe/user/password/reset/token", { userId: id, email }));
    expect(ok(await post("/public/recipe/user/password/reset/token/consume", { token }))).toMatchObject({ status: "OK" });
    expect(ok(await post("/public/recipe/signin", { email, password: "Password123!" }))).toMatchObject({ status: "OK" });
  });
});

describe("token tenancy", () => {
  it("a password-reset token belongs to the app: one made through a tenant is consumed through another", async () => {
    const t = await tenant();
    const email = uniqueEmail("epr-tenancy");
    const id = await rawSignUp(core, email);
    const first = ok<{ token: string }>(await post(`/${t}/recipe/user/password/reset/token`, { userId: id, email }));
    expect(ok(await post("/public/recipe/user/password/reset/token/consume", { token: first.token }))).toStrictEqual({
      status: "OK",
      userId: id,
      email,
    });
    const second = ok<{ token: string }>(await post("/public/recipe/user/password/reset/token", { userId: id, email }));
    expect(ok(await post(`/${t}/recipe/user/password/reset/token/consume`, { token: second.token }))).toMatchObject({ status: "OK" });
  });

  it("a password-reset token outlives the tenant it was made through", async () => {
    const t = await tenant();
    const email = uniqueEmail("epr-tenancy-gone");
    const id = await rawSignUp(core, email);
    const { token } = ok<{ token: string }>(await post(`/${t}/recipe/user/password/reset/token`, { userId: id, email }));
    ok(await post("/recipe/multitenancy/tenant/remove", { tenantId: t }));
    expect(ok(await post("/public/recipe/user/password/reset/token/consume", { token }))).toMatchObject({ status: "OK", userId: id });
  });

  it("an email-verification token tried in another tenant is refused there and stays usable in its own", async () => {
    const t = await tenant();
    const email = uniqueEmail("epr-ev-tenancy");
    const userId = await rawSignUp(core, email);
    const { token } = ok<{ token: string }>(await post(`/${t}/recipe/user/email/verify/token`, { userId, email }));
    expect(ok(await post("/public/recipe/user/email/verify", { method: "token", token }))).toStrictEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
    expect(ok(await post(`/${t}/recipe/user/email/verify`, { method: "token", token }))).toStrictEqual({ status: "OK", userId, email });
  });

  it("a new token in one tenant leaves the other tenant's tokens alone", async () => {
    const t = await tenant();
    const email = uniqueEmail("epr-ev-two");
    const userId = await rawSignUp(core, email);
    const inTenant = ok<{ token: string }>(await post(`/${t}/recipe/user/email/verify/token`, { userId, email }));
    const inPublic = ok<{ token: string }>(await post("/public/recipe/user/email/verify/token", { userId, email }));
    // Revoking in public leaves the tenant's token usable.
    ok(await post("/public/recipe/user/email/verify/token/remove", { userId, email }));
    expect(ok(await post("/public/recipe/user/email/verify", { method: "token", token: inPublic.token }))).toStrictEqual({
      status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR",
    });
    expect(ok(await post(`/${t}/recipe/user/email/verify`, { method: "token", token: inTenant.token }))).toMatchObject({ status: "OK" });
  });
});

describe("email verification normalization (§8, gotcha 10)", () => {
  const isVerified = async (userId: string, email: string): Promise<boolean> =>
    ok<{ isVerified: boolean }>(await raw(core, "/recipe/user/email/verify", { query: { userId, email } })).isVerified;

  it("GET verify does not normalize the email; token creation and unverify do", async () => {
    const email = uniqueEmail("epr-ev");
    const userId = await rawSignUp(core, email);
    const { token } = ok<{ token: string }>(
      await post("/public/recipe/user/email/verify/token", { userId, email: ` ${email.toUpperCase()} ` }),
    );
    expect(ok(await post("/public/recipe/user/email/verify", { method: "token", token }))).toStrictEqual({
      status: "OK",
      userId,
      email,
    });
    expect(await isVerified(userId, email)).toBe(true);
    expect(await isVerified(userId, email.toUpperCase())).toBe(false);
    expect(ok(await post("/public/recipe/user/email/verify/token", { userId, email: email.toUpperCase() }))).toStrictEqual({
      status: "EMAIL_ALREADY_VERIFIED_ERROR",
    });

    expect(ok(await post("/recipe/user/email/verify/remove", { userId, email: email.toUpperCase() }))).toStrictEqual({ status: "OK" });
    expect(await isVerified(userId, email)).toBe(false);
  });

  it("verify with a method other than token is a 400", async () => {
    expectText(
      await post("/public/recipe/user/email/verify", { method: "link", token: "x" }),
      400,
      "Unsupported method for email verification\n",
    );
  });
});
