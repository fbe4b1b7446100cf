/**
 * Operations on accounts through supertokens-node: EmailPassword, Passwordless and
 * EmailVerification. Each records what it created (users, codes, tokens) in the world.
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Passwordless from "supertokens-node/recipe/passwordless";
import type { OpKind } from "./op.ts";
import type { CodeRef } from "./world.ts";

/** The SDK is called with whatever the generator produced, wrong types included. */
const s = (v: unknown): string => v as string;
const rid = (v: unknown) => supertokens.convertToRecipeUserId(s(v));

function recordUser(w: { addUser(id: string): void }, res: { status: string; user?: { loginMethods: { recipeUserId: { getAsString(): string } }[] } }): void {
  const lm = res.status === "OK" ? res.user?.loginMethods[0] : undefined;
  if (lm) w.addUser(lm.recipeUserId.getAsString());
}

const contact = (g: { rng: { chance(p: number): boolean } }, email: () => unknown, phone: () => unknown) =>
  g.rng.chance(0.6) ? { email: email() } : { phoneNumber: phone() };

export const accountOps: Record<string, OpKind> = {
  "EmailPassword.signUp": {
    weight: 6,
    gen: (g) => ({ tenant: g.tenant(), email: g.odd(g.email(true)), password: g.odd(g.password()) }),
    run: async (a, w) => {
      const res = await EmailPassword.signUp(s(a.tenant), s(a.email), s(a.password));
      recordUser(w, res);
      return res;
    },
  },
  "EmailPassword.signIn": {
    weight: 4,
    gen: (g) => ({ tenant: g.tenant(), email: g.email(), password: g.password() }),
    run: (a) => EmailPassword.signIn(s(a.tenant), s(a.email), s(a.password)),
  },
  "EmailPassword.createResetPasswordToken": {
    weight: 2,
    gen: (g) => ({ tenant: g.tenant(), user: g.anyUser(), email: g.email() }),
    run: async (a, w) => {
      const res = await EmailPassword.createResetPasswordToken(s(a.tenant), s(a.user), s(a.email));
      if (res.status === "OK") w.resetTokens.push({ token: res.token });
      return res;
    },
  },
  "EmailPassword.consumePasswordResetToken": {
    weight: 2,
    gen: (g) => ({ tenant: g.tenant(), token: g.rng.chance(0.85) ? `$RT${g.rng.int(3)}` : g.rng.pick(["garbage", ""]) }),
    run: (a) => EmailPassword.consumePasswordResetToken(s(a.tenant), s(a.token)),
  },
  "EmailPassword.updateEmailOrPassword": {
    weight: 2,
    gen: (g) => ({
      user: g.createdUser(),
      ...(g.rng.chance(0.5) ? { email: g.email(true) } : {}),
      ...(g.rng.chance(0.6) ? { password: g.password() } : {}),
      applyPasswordPolicy: g.rng.chance(0.3),
    }),
    run: (a) =>
      EmailPassword.updateEmailOrPassword({
        recipeUserId: rid(a.user),
        ...(a.email !== undefined ? { email: s(a.email) } : {}),
        ...(a.password !== undefined ? { password: s(a.password) } : {}),
        applyPasswordPolicy: a.applyPasswordPolicy as boolean,
      }),
  },
  "Passwordless.signInUp": {
    weight: 4,
    gen: (g) => ({ tenant: g.tenant(), ...contact(g, () => g.odd(g.email(true)), () => g.odd(g.phone(true))) }),
    run: async (a, w) => {
      const res = await Passwordless.signInUp({ tenantId: s(a.tenant), ...(a as { email: string }) });
      recordUser(w, res);
      return res;
    },
  },
  "Passwordless.createCode": {
    weight: 4,
    gen: (g) => ({
      tenant: g.tenant(),
      ...contact(g, () => g.email(true), () => g.phone(true)),
      ...(g.rng.chance(0.15) ? { userInputCode: g.rng.pick(["123456", "", " 42 ", "ü"]) } : {}),
    }),
    run: async (a, w) => {
      const res = await Passwordless.createCode({ tenantId: s(a.tenant), ...(a as { email: string; userInputCode?: string }) });
      if (res.status === "OK") {
        const ref: CodeRef = { tenant: s(a.tenant), ...res };
        w.codes.push(ref);
      }
      return res;
    },
  },
  "Passwordless.consumeCode": {
    weight: 5,
    gen: (g) => ({
      tenant: g.rng.chance(0.85) ? "(the code's)" : g.tenant(),
      code: g.code(),
      use: g.rng.weighted([
        [45, "right code"],
        [25, "wrong code"],
        [20, "link code"],
        [10, "wrong link code"],
      ]),
    }),
    run: async (a, w) => {
      const code = a.code as CodeRef | undefined;
      const tenantId = a.tenant === "(the code's)" ? (code?.tenant ?? "public") : s(a.tenant);
      const preAuthSessionId = code?.preAuthSessionId ?? "no-such-pre-auth-session";
      const res =
        a.use === "link code" || a.use === "wrong link code"
          ? await Passwordless.consumeCode({ tenantId, preAuthSessionId, linkCode: a.use === "link code" ? (code?.linkCode ?? "x") : "wrong-link-code" })
          : await Passwordless.consumeCode({
              tenantId,
              preAuthSessionId,
              deviceId: code?.deviceId ?? "no-such-device",
              userInputCode: a.use === "right code" ? (code?.userInputCode ?? "000000") : "not-the-code",
            });
      recordUser(w, res);
      return res;
    },
  },
  "Passwordless.createNewCodeForDevice": {
    weight: 1,
    gen: (g) => ({ tenant: g.rng.chance(0.8) ? "(the code's)" : g.tenant(), code: g.code() }),
    run: async (a, w) => {
      const code = a.code as CodeRef | undefined;
      const tenantId = a.tenant === "(the code's)" ? (code?.tenant ?? "public") : s(a.tenant);
      const res = await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code?.deviceId ?? "bm8tc3VjaC1kZXZpY2U=" });
      if (res.status === "OK") w.codes.push({ tenant: tenantId, ...res });
      return res;
    },
  },
  "Passwordless.revokeAllCodes": {
    weight: 1,
    gen: (g) => ({ tenant: g.tenant(), ...contact(g, () => g.email(), () => g.phone()) }),
    run: (a) => Passwordless.revokeAllCodes({ tenantId: s(a.tenant), ...(a as { email: string }) }),
  },
  "Passwordless.revokeCode": {
    weight: 1,
    gen: (g) => ({ tenant: g.rng.chance(0.8) ? "(the code's)" : g.tenant(), code: g.code(), by: g.rng.pick(["codeId", "preAuthSessionId"]) }),
    run: (a) => {
      const code = a.code as CodeRef | undefined;
      const tenantId = a.tenant === "(the code's)" ? (code?.tenant ?? "public") : s(a.tenant);
      return a.by === "codeId"
        ? Passwordless.revokeCode({ tenantId, codeId: code?.codeId ?? "no-such-code" })
        : Passwordless.revokeCode({ tenantId, preAuthSessionId: code?.preAuthSessionId ?? "no-such-pre-auth-session" });
    },
  },
  "Passwordless.listCodes": {
    weight: 2,
    gen: (g) => ({ tenant: g.tenant(), by: g.rng.pick(["email", "phoneNumber", "preAuthSessionId"]), email: g.email(), phone: g.phone(), code: g.code() }),
    run: (a) => {
      const tenantId = s(a.tenant);
      if (a.by === "email") return Passwordless.listCodesByEmail({ tenantId, email: s(a.email) });
      if (a.by === "phoneNumber") return Passwordless.listCodesByPhoneNumber({ tenantId, phoneNumber: s(a.phone) });
      const code = a.code as CodeRef | undefined;
      return Passwordless.listCodesByPreAuthSessionId({ tenantId, preAuthSessionId: code?.preAuthSessionId ?? "none" });
    },
  },
  "Passwordless.updateUser": {
    weight: 2,
    gen: (g) => ({
      user: g.createdUser(),
      ...(g.rng.chance(0.5) ? { email: g.rng.chance(0.8) ? g.email(true) : null } : {}),
      ...(g.rng.chance(0.5) ? { phoneNumber: g.rng.chance(0.8) ? g.phone(true) : null } : {}),
    }),
    run: (a) => {
      const { user, ...change } = a;
      return Passwordless.updateUser({ recipeUserId: rid(user), ...(change as { email?: string | null }) });
    },
  },
  "EmailVerification.createEmailVerificationToken": {
    weight: 2,
    gen: (g) => ({ tenant: g.tenant(), user: g.createdUser(), ...(g.rng.chance(0.6) ? { email: g.email(true) } : {}) }),
    run: async (a, w) => {
      const res = await EmailVerification.createEmailVerificationToken(s(a.tenant), rid(a.user), a.email as string | undefined);
      if (res.status === "OK") w.evTokens.push({ token: res.token });
      return res;
    },
  },
  "EmailVerification.verifyEmailUsingToken": {
    weight: 2,
    gen: (g) => ({ tenant: g.tenant(), token: g.rng.chance(0.85) ? `$EV${g.rng.int(3)}` : "garbage" }),
    run: (a) => EmailVerification.verifyEmailUsingToken(s(a.tenant), s(a.token), false),
  },
  "EmailVerification.isEmailVerified": {
    weight: 2,
    gen: (g) => ({ user: g.createdUser(), ...(g.rng.chance(0.6) ? { email: g.email() } : {}) }),
    run: (a) => EmailVerification.isEmailVerified(rid(a.user), a.email as string | undefined),
  },
  "EmailVerification.revokeEmailVerificationTokens": {
    weight: 1,
    gen: (g) => ({ tenant: g.tenant(), user: g.createdUser(), email: g.email() }),
    run: (a) => EmailVerification.revokeEmailVerificationTokens(s(a.tenant), rid(a.user), s(a.email)),
  },
  "EmailVerification.unverifyEmail": {
    weight: 1,
    gen: (g) => ({ user: g.createdUser(), email: g.email() }),
    run: (a) => EmailVerification.unverifyEmail(rid(a.user), s(a.email)),
  },
};
