/**
 * The Core's rules as a model: after each step, what the answer must be given what the run did
 * before (round trips: a user created is found by id and by account info; metadata merges
 * shallowly and null deletes; the roles of a user are those added minus those removed; a
 * deleted user is gone everywhere; a mapping makes the external id appear everywhere; tokens
 * and codes work once...). Each rule comes from the Core 11.4.7 source or a recorded exchange.
 * The model follows the answers it accepts, so one wrong answer is reported once, where it is.
 */
import type { Outcome } from "./execute.ts";
import { ModelState, isSorted, mergeMetadata, normEmail, normPhone, publicId, sameOrdered, sameSet, type Area, type UserRec } from "./model-state.ts";
import type { Args } from "./op.ts";
import type { RawAnswer } from "./raw.ts";
import { genericViolations } from "./rules-generic.ts";
import type { CodeRef, SessionRef } from "./world.ts";

type Json = Record<string, unknown>;
interface UserJson {
  id: string;
  tenantIds: string[];
  emails: string[];
  phoneNumbers: string[];
  timeJoined: number;
  loginMethods: { recipeId: string; recipeUserId: string; email?: string; phoneNumber?: string; tenantIds: string[] }[];
}

type Rule = (m: Model, a: Args, ok: unknown, threw: string | undefined) => void;

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export class Model {
  readonly s: ModelState;
  private out: string[] = [];

  constructor(ns: string) {
    this.s = new ModelState(ns);
  }

  /** Checks one step's answer, then follows it. Returns the rules it broke. */
  step(kind: string, args: Args, outcome: Outcome): string[] {
    this.out = genericViolations(kind, args, outcome);
    const rule = RULES[kind];
    if (rule) rule(this, args, "ok" in outcome ? outcome.ok : undefined, "threw" in outcome ? outcome.threw : undefined);
    return this.out;
  }

  expect(condition: boolean, message: string, area?: Area): void {
    if (!condition && !(area && this.s.uncertain.has(area))) this.out.push(message);
  }

  taint(...areas: Area[]): void {
    for (const a of areas) this.s.uncertain.add(a);
  }

  sure(area: Area): boolean {
    return !this.s.uncertain.has(area);
  }

  /** A user object as the Core must show it. */
  checkUser(got: UserJson, u: UserRec, where: string): void {
    const want = {
      id: publicId(u),
      emails: u.email ? [u.email] : [],
      phoneNumbers: u.phone ? [u.phone] : [],
      tenantIds: [...u.tenants].sort(),
      recipeId: u.recipe,
      recipeUserId: publicId(u),
    };
    const lm = got.loginMethods[0];
    const seen = {
      id: got.id,
      emails: got.emails,
      phoneNumbers: got.phoneNumbers,
      tenantIds: [...got.tenantIds].sort(),
      recipeId: lm?.recipeId,
      recipeUserId: lm?.recipeUserId,
    };
    this.expect(sameOrdered(seen, want) && got.loginMethods.length === 1, `${where}: expected ${JSON.stringify(want)}, got ${JSON.stringify(seen)}`, "users");
  }

  addUser(got: UserJson, recipe: UserRec["recipe"], password?: string): UserRec {
    const lm = got.loginMethods[0];
    const u: UserRec = {
      st: lm?.recipeUserId ?? got.id,
      ext: undefined,
      extInfo: undefined,
      recipe,
      email: lm?.email,
      phone: lm?.phoneNumber,
      password,
      tenants: new Set(got.tenantIds),
      timeJoined: got.timeJoined,
      deleted: false,
    };
    this.s.users.push(u);
    return u;
  }
}

/** Users matching an account info in a tenant, as listUsersByAccountInfo and the conflict checks see them. */
function holders(m: Model, tenant: string, pick: (u: UserRec) => boolean): UserRec[] {
  return m.s.live().filter((u) => u.tenants.has(tenant) && pick(u));
}

/** Common part of signInUp and consumeCode: a user for the contact, new or existing. */
function passwordlessSignedIn(m: Model, tenant: string | undefined, email: string | undefined, phone: string | undefined, ok: Json): void {
  if (ok.status !== "OK") return;
  const got = ok.user as UserJson;
  // A tenant the model cannot read (blank, odd case...): learn from the answer where the user is.
  tenant ??= got.tenantIds.length === 1 ? got.tenantIds[0] : undefined;
  if (!tenant || (!email && !phone)) {
    learnUser(m, got, "passwordless");
    return m.taint("users", "codes");
  }
  // A sign-in removes every device of that contact in the tenant.
  for (const d of m.s.devices.values()) if (d.tenant === tenant && (email ? d.email === email : d.phone === phone)) d.life = "dead";
  const existing = holders(m, tenant, (u) => u.recipe === "passwordless" && (email ? u.email === email : u.phone === phone))[0];
  m.expect(ok.createdNewRecipeUser === !existing, `createdNewRecipeUser is ${String(ok.createdNewRecipeUser)} but the model ${existing ? "has" : "has no"} Passwordless user for it in ${tenant}`, "users");
  if (existing) {
    m.checkUser(got, existing, "the signed-in user");
  } else if (!m.s.users.some((u) => u.st === got.loginMethods[0]?.recipeUserId)) {
    const u = m.addUser(got, "passwordless");
    m.expect(sameSet(got.tenantIds, [tenant]), `a new user in ${tenant} has tenants ${JSON.stringify(got.tenantIds)}`);
    m.expect(email ? u.email === email : u.phone === phone, `a new Passwordless user holds ${u.email ?? u.phone}, not ${email ?? phone}`);
    if (email) m.s.verified.set(`${u.st}\n${email}`, true);
  }
}

/** Adds a user the Core says exists when the model could not follow its creation. */
function learnUser(m: Model, got: UserJson | undefined, recipe: UserRec["recipe"]): void {
  const id = got?.loginMethods[0]?.recipeUserId;
  if (got && id && !m.s.users.some((u) => u.st === id || u.ext === id)) m.addUser(got, recipe);
}

function deviceOf(m: Model, code: CodeRef | undefined) {
  return code ? m.s.devices.get(code.deviceId) : undefined;
}

/** What a raw request that the Core took may have changed (the model does not follow raw bodies). */
function rawArea(rawPath: string): Area[] {
  const path = rawPath.replace(/\/+/g, "/");
  if (/userid/i.test(path)) return ["users", "sessions", "verification"];
  if (/metadata/i.test(path)) return ["metadata"];
  if (/role|permission/i.test(path)) return ["roles"];
  if (/session/i.test(path)) return ["sessions"];
  if (/signinup/i.test(path)) return ["codes", "users"];
  if (/verify/i.test(path)) return ["verification"];
  if (/tenant\/v2/i.test(path)) return ["tenants"];
  return ["users"];
}

const RULES: Record<string, Rule> = {
  raw: (m, a, ok) => {
    const res = ok as RawAnswer | undefined;
    if (res && res.status < 300 && a.method !== "GET") m.taint(...rawArea(String(a.path)));
  },
  "EmailPassword.signUp": (m, a, ok, threw) => {
    if (threw) return;
    const res = ok as Json;
    const got = res.user as UserJson | undefined;
    // A tenant the model cannot read (blank, odd case...): learn from the answer where the user is.
    const t = m.s.tenant(a.tenant) ?? (got?.tenantIds.length === 1 ? got.tenantIds[0] : undefined);
    const email = normEmail(a.email);
    if (!t || !email || typeof a.password !== "string") {
      if (res.status === "OK") learnUser(m, got, "emailpassword");
      return m.taint("users");
    }
    const existing = holders(m, t, (u) => u.recipe === "emailpassword" && u.email === email)[0];
    m.expect(m.s.tenantExists(t), `signUp answered ${String(res.status)} in ${t}, a tenant that does not exist`, "tenants");
    if (res.status === "OK") {
      m.expect(!existing, `signUp created a second EmailPassword user with ${email} in ${t}`, "users");
      const u = m.addUser(res.user as UserJson, "emailpassword", a.password);
      m.expect(u.email === email, `signUp stored the email as ${JSON.stringify(u.email)}, not ${JSON.stringify(email)} (trimmed, lower case)`);
      m.expect(sameSet(u.tenants, [t]), `a new user in ${t} has tenants ${JSON.stringify([...u.tenants])}`);
    } else if (res.status === "EMAIL_ALREADY_EXISTS_ERROR") {
      m.expect(!!existing, `signUp says ${email} exists in ${t}, the model has no such EmailPassword user`, "users");
    }
  },
  "EmailPassword.signIn": (m, a, ok) => {
    const t = m.s.tenant(a.tenant);
    const email = normEmail(a.email);
    if (!ok || !t || !email || !m.sure("users")) return;
    const res = ok as Json;
    const match = holders(m, t, (u) => u.recipe === "emailpassword" && u.email === email && u.password === a.password)[0];
    if (res.status === "OK") {
      m.expect(!!match, `signIn of ${email} in ${t} succeeded, but the model has no user with that email and password`);
      if (match) m.checkUser(res.user as UserJson, match, "the signed-in user");
    } else {
      m.expect(!match, `signIn of ${email} in ${t} failed (${String(res.status)}) although that user and password exist`);
    }
  },
  "EmailPassword.createResetPasswordToken": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (res?.status !== "OK") return;
    const u = m.s.find(a.user);
    // The token keeps the email as given (the Core does not normalize it here).
    if (u && typeof a.email === "string") m.s.resetTokens.set(res.token as string, { userSt: u.st, email: a.email, life: "live" });
  },
  "EmailPassword.consumePasswordResetToken": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res) return;
    const token = m.s.resetTokens.get(a.token as string);
    if (!token) return;
    if (token.life === "unknown") {
      if (res.status === "OK") for (const t of m.s.resetTokens.values()) if (t.userSt === token.userSt) t.life = "dead";
      return;
    }
    const u = m.s.users.find((x) => x.st === token.userSt);
    // The Core takes a reset token through any tenant (the token is per app).
    if (token.life === "live") {
      m.expect(res.status === "OK", `a live reset token was refused: ${String(res.status)}`, "users");
      if (res.status === "OK" && u) {
        m.expect(res.userId === publicId(u), `the reset token gave user ${String(res.userId)}, expected ${publicId(u)}`, "users");
        m.expect(res.email === token.email, `the reset token gave email ${String(res.email)}, expected ${token.email}`, "users");
      }
      // Consuming one token removes every reset token of that user.
      for (const t of m.s.resetTokens.values()) if (t.userSt === token.userSt) t.life = "dead";
    } else {
      m.expect(res.status === "RESET_PASSWORD_INVALID_TOKEN_ERROR", `a used reset token was accepted again`, "users");
    }
  },
  "EmailPassword.updateEmailOrPassword": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res) return;
    const u = m.s.byPublicId(a.user);
    if (res.status === "OK") {
      if (!u || u.recipe !== "emailpassword") return m.taint("users");
      if (a.email !== undefined) u.email = normEmail(a.email);
      if (a.password !== undefined) u.password = str(a.password);
      for (const t of m.s.resetTokens.values()) if (t.userSt === u.st) t.life = "unknown";
    } else if (res.status === "UNKNOWN_USER_ID_ERROR") {
      m.expect(!(u && u.recipe === "emailpassword"), `updateEmailOrPassword: unknown user, but ${String(a.user)} is a live EmailPassword user`, "users");
    } else if (res.status === "EMAIL_ALREADY_EXISTS_ERROR" && u) {
      const email = normEmail(a.email);
      const other = m.s.live().find((v) => v !== u && v.recipe === "emailpassword" && v.email === email && [...v.tenants].some((t) => u.tenants.has(t)));
      m.expect(!!other, `updateEmailOrPassword: ${String(email)} is said to exist, but no other EmailPassword user in the user's tenants has it`, "users");
    }
  },
  "Passwordless.signInUp": (m, a, ok) => {
    if (!ok) return;
    passwordlessSignedIn(m, m.s.tenant(a.tenant), a.email !== undefined ? normEmail(a.email) : undefined, a.phoneNumber !== undefined ? normPhone(a.phoneNumber) : undefined, ok as Json);
  },
  "Passwordless.createCode": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (res?.status !== "OK") return;
    const t = m.s.tenant(a.tenant);
    const email = a.email !== undefined ? normEmail(a.email) : undefined;
    const phone = a.phoneNumber !== undefined ? normPhone(a.phoneNumber) : undefined;
    if (!t || (!email && !phone)) return m.taint("codes");
    m.s.devices.set(res.deviceId as string, { tenant: t, email, phone, attempts: 0, life: "live", codeIds: new Set([res.codeId as string]) });
  },
  "Passwordless.consumeCode": (m, a, ok) => {
    const res = ok as Json | undefined;
    const code = a.code as CodeRef | undefined;
    const d = deviceOf(m, code);
    if (!res) return;
    if (!d) {
      // A device the model did not follow (made in a tenant it cannot read): learn the user.
      if (res.status === "OK") learnUser(m, res.user as UserJson, "passwordless");
      return;
    }
    const t = a.tenant === "(the code's)" ? d.tenant : m.s.tenant(a.tenant);
    const sure = m.sure("codes") && d.life !== "unknown" && t === d.tenant && !m.s.customAttemptLimit.has(d.tenant);
    if (res.status === "OK") {
      m.expect(!sure || (d.life === "live" && (a.use === "right code" || a.use === "link code")), `consumeCode (${String(a.use)}) succeeded on a ${d.life} device`);
      passwordlessSignedIn(m, t, d.email, d.phone, res);
      d.life = "dead";
      return;
    }
    if (!sure) return;
    if (d.life === "dead") {
      m.expect(res.status === "RESTART_FLOW_ERROR", `consumeCode on a finished device answered ${String(res.status)}, expected RESTART_FLOW_ERROR`);
    } else if (a.use === "wrong code") {
      const attempts = d.attempts + 1;
      if (attempts >= 5) {
        m.expect(res.status === "RESTART_FLOW_ERROR", `wrong code attempt ${attempts} of 5 answered ${String(res.status)}, expected RESTART_FLOW_ERROR`);
        d.life = "dead";
      } else {
        m.expect(
          res.status === "INCORRECT_USER_INPUT_CODE_ERROR" && res.failedCodeInputAttemptCount === attempts && res.maximumCodeInputAttempts === 5,
          `wrong code attempt ${attempts}: expected INCORRECT_USER_INPUT_CODE_ERROR with count ${attempts} of 5, got ${JSON.stringify(res)}`,
        );
        d.attempts = attempts;
      }
    } else if (a.use === "wrong link code") {
      m.expect(res.status === "RESTART_FLOW_ERROR", `a wrong link code answered ${String(res.status)}`);
    } else {
      m.expect(false, `the ${String(a.use)} of a live device answered ${JSON.stringify(res)}`);
    }
  },
  "Passwordless.createNewCodeForDevice": (m, a, ok) => {
    const res = ok as Json | undefined;
    const d = deviceOf(m, a.code as CodeRef | undefined);
    if (!res || !d) return;
    const t = a.tenant === "(the code's)" ? d.tenant : m.s.tenant(a.tenant);
    if (res.status === "OK" && t === d.tenant) {
      m.expect(d.life !== "dead" || !m.sure("codes"), `a new code was made for a finished device`);
      d.codeIds.add(res.codeId as string);
      if (d.life === "live") m.s.devices.set(res.deviceId as string, d);
    } else if (t === d.tenant && d.life === "live" && m.sure("codes")) {
      m.expect(false, `createNewCodeForDevice on a live device answered ${String(res.status)}`);
    }
  },
  "Passwordless.revokeAllCodes": (m, a, ok) => {
    if (!ok) return;
    const t = m.s.tenant(a.tenant);
    const email = a.email !== undefined ? normEmail(a.email) : undefined;
    const phone = a.phoneNumber !== undefined ? normPhone(a.phoneNumber) : undefined;
    if (!t || (!email && !phone)) return m.taint("codes");
    for (const d of m.s.devices.values()) if (d.tenant === t && (email ? d.email === email : d.phone === phone)) d.life = "dead";
  },
  "Passwordless.revokeCode": (m, a, ok) => {
    const d = deviceOf(m, a.code as CodeRef | undefined);
    if (!ok || !d) return;
    const t = a.tenant === "(the code's)" ? d.tenant : m.s.tenant(a.tenant);
    if (t !== d.tenant) return;
    // Revoking the last code of a device removes the device.
    if (a.by === "preAuthSessionId" || d.codeIds.size === 1) d.life = "dead";
    else d.life = "unknown";
  },
  "Passwordless.listCodes": (m, a, ok) => {
    const t = m.s.tenant(a.tenant);
    if (!t || !m.s.tenantExists(t) || !m.sure("codes") || (a.by !== "email" && a.by !== "phoneNumber")) return;
    const email = a.by === "email" ? normEmail(a.email) : undefined;
    const phone = a.by === "phoneNumber" ? normPhone(a.phone) : undefined;
    if (!(email ?? phone)?.length || (email !== undefined && !email.includes(m.s.ns))) return;
    const ds = [...m.s.devices.values()].filter((d) => d.tenant === t && (email ? d.email === email : d.phone === phone));
    if (ds.some((d) => d.life === "unknown")) return;
    const want = ds.filter((d) => d.life === "live").map((d) => d.attempts).sort();
    const got = ((ok as { failedCodeInputAttemptCount: number }[] | null) ?? []).map((d) => d.failedCodeInputAttemptCount).sort();
    m.expect(sameOrdered(got, want), `listCodes by ${String(a.by)} in ${t}: devices with attempts ${JSON.stringify(got)}, the model has ${JSON.stringify(want)}`);
  },
  "Passwordless.updateUser": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res) return;
    const u = m.s.byPublicId(a.user);
    if (res.status === "OK") {
      if (!u || u.recipe !== "passwordless") return m.taint("users", "codes");
      const email = a.email === null ? undefined : normEmail(a.email);
      const phone = a.phoneNumber === null ? undefined : normPhone(a.phoneNumber);
      // A changed contact ends the devices of the old and the new value (in the user's tenants).
      for (const d of m.s.devices.values()) {
        const hit =
          (a.email !== undefined && email !== u.email && (d.email === u.email || d.email === email) && d.email !== undefined) ||
          (a.phoneNumber !== undefined && phone !== u.phone && (d.phone === u.phone || d.phone === phone) && d.phone !== undefined);
        if (hit) d.life = u.tenants.has(d.tenant) ? "dead" : "unknown";
      }
      if (a.email !== undefined) u.email = email;
      if (a.phoneNumber !== undefined) u.phone = phone;
      if (a.phoneNumber !== undefined && a.phoneNumber !== null && !u.phone) m.taint("users");
    } else if (res.status === "UNKNOWN_USER_ID_ERROR") {
      m.expect(!(u && u.recipe === "passwordless"), `Passwordless.updateUser: unknown user, but ${String(a.user)} is a live Passwordless user`, "users");
    }
  },
  "EmailVerification.createEmailVerificationToken": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (res?.status !== "OK" || typeof a.user !== "string") return;
    const t = m.s.tenant(a.tenant);
    const email = a.email !== undefined ? normEmail(a.email) : m.s.byPublicId(a.user)?.email;
    if (!t || !email) return m.taint("verification");
    m.s.evTokens.set(res.token as string, { userId: a.user, email, tenant: t, life: "live" });
  },
  "EmailVerification.verifyEmailUsingToken": (m, a, ok) => {
    const res = ok as Json | undefined;
    const token = m.s.evTokens.get(a.token as string);
    if (!res || !token) return;
    const t = m.s.tenant(a.tenant);
    if (token.life === "unknown" || !m.sure("verification") || !t) {
      if (res.status === "OK") {
        m.s.verified.set(`${token.userId}\n${token.email}`, true);
        for (const x of m.s.evTokens.values()) if (x.userId === token.userId && x.email === token.email) x.life = "dead";
      }
      return;
    }
    if (token.life === "live" && t === token.tenant) {
      m.expect(res.status === "OK", `a live email-verification token was refused in its own tenant: ${String(res.status)}`);
      m.s.verified.set(`${token.userId}\n${token.email}`, true);
      for (const x of m.s.evTokens.values()) if (x.userId === token.userId && x.email === token.email) x.life = "dead";
    } else if (token.life === "live") {
      // Tried in another tenant: refused, and it stays usable in its own.
      m.expect(res.status === "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR", `an email-verification token of ${token.tenant} was accepted in ${String(t)}`);
    } else {
      m.expect(res.status === "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR", `a used email-verification token was accepted again`);
    }
  },
  "EmailVerification.isEmailVerified": (m, a, ok) => {
    if (typeof ok !== "boolean" || typeof a.email !== "string" || !m.sure("verification")) return;
    // The Core stores verified emails normalized but looks them up as given.
    const known = a.email === normEmail(a.email) ? m.s.verified.get(`${String(a.user)}\n${a.email}`) : false;
    if (known !== undefined) m.expect(ok === known, `isEmailVerified is ${ok}, the model says ${known}`);
  },
  "EmailVerification.revokeEmailVerificationTokens": (m, a, ok) => {
    if (!ok) return;
    const t = m.s.tenant(a.tenant);
    for (const x of m.s.evTokens.values()) if (x.userId === a.user && x.email === normEmail(a.email) && (t === undefined || x.tenant === t)) x.life = t ? "dead" : "unknown";
  },
  "EmailVerification.unverifyEmail": (m, a, ok) => {
    if (ok && typeof a.user === "string") m.s.verified.set(`${a.user}\n${normEmail(a.email)}`, false);
  },
  getUser: (m, a, ok) => {
    if (!m.s.owned(a.user) && !m.s.find(a.user)) return;
    const u = m.s.find(a.user);
    if (u) {
      m.expect(ok !== null, `getUser(${String(a.user)}) found nobody, the model has a live user`, "users");
      if (ok) m.checkUser(ok as UserJson, u, "getUser");
    } else {
      m.expect(ok === null, `getUser(${String(a.user)}) found ${JSON.stringify(ok)}, the model has nobody (deleted or never created)`, "users");
    }
  },
  listUsersByAccountInfo: (m, a, ok, threw) => {
    const t = m.s.tenant(a.tenant);
    const email = a.email !== undefined ? normEmail(a.email) : undefined;
    const phone = a.phoneNumber !== undefined ? normPhone(a.phoneNumber) : undefined;
    if (!t || !m.sure("users")) return;
    if (!m.s.tenantExists(t)) return m.expect(!!threw, `listUsersByAccountInfo in ${t}, a tenant that does not exist, answered`, "tenants");
    if (threw || (a.email !== undefined && !email?.includes(m.s.ns)) || (a.phoneNumber !== undefined && !phone)) return;
    const matches = (u: UserRec) => {
      const hits = [email === undefined ? undefined : u.email === email, phone === undefined ? undefined : u.phone === phone].filter((x) => x !== undefined);
      return a.union ? hits.some(Boolean) : hits.every(Boolean);
    };
    const want = holders(m, t, matches);
    const got = ok as UserJson[];
    m.expect(sameSet(got.map((u) => u.id), want.map(publicId)), `listUsersByAccountInfo in ${t}: got ${JSON.stringify(got.map((u) => u.id))}, expected ${JSON.stringify(want.map(publicId))}`);
    for (const g of got) {
      const u = want.find((x) => publicId(x) === g.id);
      if (u) m.checkUser(g, u, "listUsersByAccountInfo");
    }
  },
  listUsers: (m, a, ok, threw) => {
    const t = m.s.tenant(a.tenant);
    if (!t || !m.sure("users")) return;
    if (!m.s.tenantExists(t)) return m.expect(!!threw, `listing users of ${t}, a tenant that does not exist, answered`, "tenants");
    if (threw) return;
    const query = a.query as Json | undefined;
    const recipes = a.includeRecipeIds as string[] | undefined;
    if (recipes?.includes("nope") || (query && (query.email === "" || query.phone !== undefined))) return;
    // A search looks in every recipe's table (includeRecipeIds is ignored) for emails that start
    // with the tag or whose domain contains it.
    const tag = String(query?.email).trim().toLowerCase();
    const found = (u: UserRec) => !!u.email && (u.email.startsWith(tag) || u.email.includes(`@${tag}`));
    const want = holders(m, t, (u) => (query ? found(u) : !recipes || recipes.includes(u.recipe)));
    const pages = ok as { users: UserJson[]; nextPaginationToken?: string }[];
    const got = pages.flatMap((p) => p.users);
    const ids = got.map((u) => u.id);
    m.expect(new Set(ids).size === ids.length, `listing users repeated a user across pages: ${JSON.stringify(ids)}`);
    m.expect(ids.every((id) => want.some((u) => publicId(u) === id)), `listing users of ${t} returned users the model does not have there: ${JSON.stringify(ids)}`);
    const times = got.map((u) => u.timeJoined);
    const ordered = times.every((x, i) => i === 0 || (a.order === "newest" ? (times[i - 1] as number) >= x : (times[i - 1] as number) <= x));
    m.expect(ordered, `listing users ${String(a.order)} first is not ordered by timeJoined`);
    const last = pages[pages.length - 1];
    if (query) {
      // A search ignores the limit and gives every match at once (up to 1,000 per recipe).
      m.expect(pages.length === 1 && last?.nextPaginationToken === undefined && got.length === want.length, `a users search in ${t} gave ${got.length} of ${want.length} matches in ${pages.length} page(s)`);
    } else if (last && last.nextPaginationToken === undefined && typeof a.limit === "number" && a.limit > 0 && a.limit <= 500) {
      m.expect(got.length === want.length, `listing users of ${t} ended after ${got.length} users, the model has ${want.length}`);
    }
    if (typeof a.limit === "number" && a.limit > 0 && !query) {
      m.expect(pages.every((p) => p.users.length <= (a.limit as number)), `a page holds more than the limit ${a.limit}`);
    }
  },
  getUserCount: (m, a, ok, threw) => {
    const t = m.s.tenant(a.tenant);
    const recipes = a.includeRecipeIds as string[] | undefined;
    if (!t || !m.sure("users") || recipes?.includes("nope")) return;
    if (!m.s.tenantExists(t)) return m.expect(!!threw, `counting users of ${t}, a tenant that does not exist, answered`, "tenants");
    const want = holders(m, t, (u) => !recipes || recipes.includes(u.recipe)).length;
    m.expect(ok === want, `getUserCount in ${t}: ${String(ok)}, the model has ${want}`);
  },
  deleteUser: (m, a, ok) => {
    if (!ok) return;
    // Without knowing every mapping, the model cannot tell under which id the Core removes data.
    if (!m.sure("users")) m.taint("metadata", "roles", "sessions", "verification");
    const u = m.s.find(a.user);
    if (u) m.s.forget(u);
  },
  createUserIdMapping: (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res || typeof a.superTokensUserId !== "string" || typeof a.externalUserId !== "string") return;
    const st = a.superTokensUserId.trim();
    const ext = a.externalUserId.trim();
    const u = m.s.live().find((x) => x.st === st);
    const extTaken = m.s.live().some((x) => x.ext === ext);
    // An external id that is another user's SuperTokens id (forced): the model does not follow that.
    if (res.status === "OK" && m.s.users.some((x) => x.st === ext)) return m.taint("users", "metadata", "roles", "sessions", "verification");
    if (res.status === "OK") {
      m.expect(!!u && !u.ext && !extTaken, `a mapping ${st} → ${ext} was made although ${!u ? "no such user exists" : u.ext ? "the user is mapped already" : "the external id is taken"}`, "users");
      if (u) {
        u.ext = ext;
        u.extInfo = str(a.externalUserIdInfo)?.trim() || undefined;
        // Sessions and verified emails name the user by the id of their time: the model stops following them.
        for (const s of m.s.sessions.values()) if (s.userId === st) s.life = "unknown";
        m.s.forgetVerification(st, ext);
      }
    } else if (res.status === "UNKNOWN_SUPERTOKENS_USER_ID_ERROR") {
      m.expect(!u, `createUserIdMapping: unknown user ${st}, but the model has that user`, "users");
    } else if (res.status === "USER_ID_MAPPING_ALREADY_EXISTS_ERROR") {
      // The flags name the one unique constraint the insert broke; when the SuperTokens id and the
      // external id are both mapped, to others, the Core reports the external id only.
      const same = u?.ext === ext;
      const want = { st: same || (!!u?.ext && !extTaken), ext: same || extTaken };
      m.expect(
        res.doesSuperTokensUserIdExist === want.st && res.doesExternalUserIdExist === want.ext,
        `createUserIdMapping conflict flags ${JSON.stringify(res)}; expected ${JSON.stringify(want)} (SuperTokens id mapped ${!!u?.ext}, external id taken ${extTaken})`,
        "users",
      );
    }
  },
  getUserIdMapping: (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res || !m.sure("users") || typeof a.userId !== "string") return;
    const id = a.userId.trim();
    if (!m.s.owned(id)) return;
    const type = a.userIdType ?? "ANY";
    const u = m.s.live().find((x) => x.ext !== undefined && ((type !== "EXTERNAL" && x.st === id) || (type !== "SUPERTOKENS" && x.ext === id)));
    if (u) {
      m.expect(res.status === "OK" && res.superTokensUserId === u.st && res.externalUserId === u.ext, `getUserIdMapping(${id}, ${String(type)}): expected ${u.st} → ${String(u.ext)}, got ${JSON.stringify(res)}`);
    } else {
      m.expect(res.status === "UNKNOWN_MAPPING_ERROR", `getUserIdMapping(${id}, ${String(type)}) found ${JSON.stringify(res)}, the model has no such mapping`);
    }
  },
  deleteUserIdMapping: (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res || typeof a.userId !== "string") return;
    const id = a.userId.trim();
    const type = a.userIdType ?? "ANY";
    const u = m.s.live().find((x) => x.ext !== undefined && ((type !== "EXTERNAL" && x.st === id) || (type !== "SUPERTOKENS" && x.ext === id)));
    if (m.s.owned(id)) m.expect(res.didMappingExist === !!u, `deleteUserIdMapping(${id}, ${String(type)}): didMappingExist ${String(res.didMappingExist)}, the model ${u ? "has" : "has no"} such mapping`, "users");
    if (u && res.didMappingExist) {
      for (const s of m.s.sessions.values()) if (s.userId === u.ext) s.life = "unknown";
      m.s.forgetVerification(u.st, u.ext as string);
      u.ext = undefined;
      u.extInfo = undefined;
    }
  },
  updateOrDeleteUserIdMappingInfo: (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res || typeof a.userId !== "string" || !m.s.owned(a.userId.trim())) return;
    const id = a.userId.trim();
    const type = a.userIdType ?? "ANY";
    const u = m.s.live().find((x) => x.ext !== undefined && ((type !== "EXTERNAL" && x.st === id) || (type !== "SUPERTOKENS" && x.ext === id)));
    m.expect((res.status === "OK") === !!u, `updateOrDeleteUserIdMappingInfo(${id}, ${String(type)}) answered ${String(res.status)}, the model ${u ? "has" : "has no"} such mapping`, "users");
  },
  "UserMetadata.getUserMetadata": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res || typeof a.user !== "string") return;
    if (!m.s.owned(a.user) || !m.sure("metadata")) return;
    const want = m.s.metadata.get(a.user) ?? {};
    m.expect(sameOrdered(res.metadata, want), `metadata of ${a.user}: expected ${JSON.stringify(want)}, got ${JSON.stringify(res.metadata)}`);
  },
  "UserMetadata.updateUserMetadata": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res || typeof a.user !== "string") return;
    const update = a.update;
    if (update === null || typeof update !== "object" || Array.isArray(update)) return m.taint("metadata");
    if (m.s.owned(a.user) && m.sure("metadata")) {
      const want = mergeMetadata(m.s.metadata.get(a.user) ?? {}, update as Json);
      m.expect(sameOrdered(res.metadata, want), `metadata update of ${a.user}: expected ${JSON.stringify(want)}, got ${JSON.stringify(res.metadata)}`);
    }
    m.s.metadata.set(a.user, res.metadata as Json);
  },
  "UserMetadata.clearUserMetadata": (m, a, ok) => {
    if (ok && typeof a.user === "string") m.s.metadata.delete(a.user);
  },
  "metadata bulk (raw)": (m, a, ok) => {
    const res = ok as RawAnswer;
    const ids = a.userIds as string[];
    if (res.status !== 200 || !m.sure("metadata") || !ids.every((id) => m.s.owned(id))) return;
    const users = (res.body as { users: { userId: string; metadata: unknown }[] }).users;
    for (const id of new Set(ids)) {
      const got = users.find((x) => x.userId === id);
      const want = m.s.metadata.get(id) ?? null;
      m.expect(!!got && sameOrdered(got.metadata, want), `bulk metadata of ${id}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  },
  "UserRoles.createNewRoleOrAddPermissions": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res) return;
    const role = str(a.role)?.trim();
    const perms = a.permissions;
    if (!role || !Array.isArray(perms) || !perms.every((p) => typeof p === "string")) return m.taint("roles");
    if (!role.includes(m.s.ns)) return;
    const existing = m.s.roles.get(role);
    m.expect(res.createdNewRole === !existing, `createdNewRole is ${String(res.createdNewRole)}, the role ${existing ? "exists" : "does not exist"}`, "roles");
    const set = existing ?? new Set<string>();
    for (const p of perms as string[]) set.add(p.trim());
    m.s.roles.set(role, set);
  },
  "UserRoles.getPermissionsForRole": (m, a, ok) => {
    const res = ok as Json | undefined;
    const role = str(a.role)?.trim();
    if (!res || !role?.includes(m.s.ns) || !m.sure("roles")) return;
    const perms = m.s.roles.get(role);
    if (!perms) return m.expect(res.status === "UNKNOWN_ROLE_ERROR", `permissions of ${role}, a role that does not exist: ${JSON.stringify(res)}`);
    m.expect(res.status === "OK" && sameSet(res.permissions as string[], perms), `permissions of ${role}: expected ${JSON.stringify([...perms])}, got ${JSON.stringify(res)}`);
  },
  "UserRoles.removePermissionsFromRole": (m, a, ok) => {
    const res = ok as Json | undefined;
    const role = str(a.role)?.trim();
    if (!res || !role?.includes(m.s.ns)) return;
    const perms = m.s.roles.get(role);
    m.expect((res.status === "OK") === !!perms, `removePermissionsFromRole(${role}) answered ${String(res.status)}; the role ${perms ? "exists" : "does not exist"}`, "roles");
    if (perms && Array.isArray(a.permissions)) for (const p of a.permissions) perms.delete(String(p).trim());
  },
  "UserRoles.deleteRole": (m, a, ok) => {
    const res = ok as Json | undefined;
    const role = str(a.role)?.trim();
    if (!res || !role?.includes(m.s.ns)) return;
    m.expect(res.didRoleExist === m.s.roles.has(role), `deleteRole(${role}): didRoleExist ${String(res.didRoleExist)}`, "roles");
    m.s.roles.delete(role);
    for (const roles of m.s.userRoles.values()) roles.delete(role);
  },
  "UserRoles.getAllRoles (this run's)": (m, _a, ok) => {
    const res = ok as Json | undefined;
    if (!res || !m.sure("roles")) return;
    m.expect(sameSet(res.roles as string[], m.s.roles.keys()), `all roles: expected ${JSON.stringify([...m.s.roles.keys()])}, got ${JSON.stringify(res.roles)}`);
  },
  "UserRoles.getRolesThatHavePermission (this run's)": (m, a, ok) => {
    const res = ok as Json | undefined;
    const perm = str(a.permission)?.trim();
    if (!res || perm === undefined || !m.sure("roles")) return;
    const want = [...m.s.roles].filter(([, perms]) => perms.has(perm)).map(([r]) => r);
    const got = res.roles as string[];
    m.expect(sameSet(got, want), `roles with permission ${perm}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    m.expect(isSorted(got), `roles with permission ${perm} are not sorted: ${JSON.stringify(got)}`);
  },
  "UserRoles.addRoleToUser": (m, a, ok) => {
    const res = ok as Json | undefined;
    const t = m.s.tenant(a.tenant);
    const role = str(a.role)?.trim();
    if (!res || typeof a.user !== "string" || !role?.includes(m.s.ns)) return;
    if (!t) return m.taint("roles");
    const exists = m.s.roles.has(role);
    m.expect((res.status === "UNKNOWN_ROLE_ERROR") === !exists, `addRoleToUser(${role}) answered ${String(res.status)}; the role ${exists ? "exists" : "does not exist"}`, "roles");
    if (res.status !== "OK") return;
    const held = m.s.rolesOf(t, a.user);
    if (m.s.owned(a.user)) m.expect(res.didUserAlreadyHaveRole === held.has(role), `didUserAlreadyHaveRole is ${String(res.didUserAlreadyHaveRole)}`, "roles");
    held.add(role);
  },
  "UserRoles.removeUserRole": (m, a, ok) => {
    const res = ok as Json | undefined;
    const t = m.s.tenant(a.tenant);
    const role = str(a.role)?.trim();
    if (!res || typeof a.user !== "string" || !role?.includes(m.s.ns)) return;
    if (!t) return m.taint("roles");
    const exists = m.s.roles.has(role);
    m.expect((res.status === "UNKNOWN_ROLE_ERROR") === !exists, `removeUserRole(${role}) answered ${String(res.status)}; the role ${exists ? "exists" : "does not exist"}`, "roles");
    if (res.status !== "OK") return;
    const held = m.s.rolesOf(t, a.user);
    if (m.s.owned(a.user)) m.expect(res.didUserHaveRole === held.has(role), `didUserHaveRole is ${String(res.didUserHaveRole)}`, "roles");
    held.delete(role);
  },
  "UserRoles.getRolesForUser": (m, a, ok) => {
    const res = ok as Json | undefined;
    const t = m.s.tenant(a.tenant);
    if (!res || !t || typeof a.user !== "string" || !m.s.owned(a.user) || !m.sure("roles")) return;
    const want = [...m.s.rolesOf(t, a.user)];
    m.expect(sameSet(res.roles as string[], want), `roles of ${a.user} in ${t}: expected ${JSON.stringify(want)}, got ${JSON.stringify(res.roles)}`);
  },
  "UserRoles.getUsersThatHaveRole": (m, a, ok) => {
    const res = ok as Json | undefined;
    const t = m.s.tenant(a.tenant);
    const role = str(a.role)?.trim();
    if (!res || !t || !role?.includes(m.s.ns) || !m.sure("roles")) return;
    if (!m.s.roles.has(role)) return m.expect(res.status === "UNKNOWN_ROLE_ERROR", `users of ${role}, a role that does not exist: ${JSON.stringify(res)}`);
    const want = [...m.s.userRoles].filter(([key, roles]) => key.startsWith(`${t}\n`) && roles.has(role)).map(([key]) => key.slice(t.length + 1));
    const got = res.users as string[];
    m.expect(sameSet(got, want), `users of ${role} in ${t}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    m.expect(isSorted(got), `users of ${role} in ${t} are not sorted by user id: ${JSON.stringify(got)}`);
  },
  "Multitenancy.createOrUpdateTenant": (m, a, ok, threw) => {
    const t = typeof a.tenant === "string" ? a.tenant.trim().toLowerCase() : undefined;
    const config = a.config as { coreConfig?: Json };
    const core = config.coreConfig ?? {};
    // Refused by the Core: unknown keys, invalid values, and settings that belong to the app.
    const refused = "not_a_config_key" in core || (core.email_verification_token_lifetime as number) < 0 || "access_token_validity" in core;
    if (refused) m.expect(!!threw, `createOrUpdateTenant took a coreConfig the Core refuses: ${JSON.stringify(core)}`, "tenants");
    if (!t || !t.includes(m.s.ns)) return;
    if (threw) return;
    const res = ok as Json;
    m.expect(res.createdNew === !m.s.tenants.has(t), `createdNew is ${String(res.createdNew)} for ${t}`, "tenants");
    m.s.tenants.add(t);
    if ("passwordless_max_code_input_attempts" in core) m.s.customAttemptLimit.add(t);
  },
  "Multitenancy.deleteTenant": (m, a, ok) => {
    const res = ok as Json | undefined;
    const t = m.s.tenant(a.tenant);
    if (!res || !t || t === "public") return;
    m.expect(res.didExist === m.s.tenants.has(t), `deleteTenant(${t}): didExist ${String(res.didExist)}`, "tenants");
    m.s.tenants.delete(t);
    for (const u of m.s.users) u.tenants.delete(t);
    for (const key of [...m.s.userRoles.keys()]) if (key.startsWith(`${t}\n`)) m.s.userRoles.delete(key);
    for (const s of m.s.sessions.values()) if (s.tenant === t && s.life === "live") s.life = "unknown";
    for (const d of m.s.devices.values()) if (d.tenant === t) d.life = "dead";
    for (const x of m.s.evTokens.values()) if (x.tenant === t) x.life = "dead";
  },
  "Multitenancy.getTenant": (m, a, ok) => {
    const t = m.s.tenant(a.tenant);
    if (!t || !m.sure("tenants")) return;
    const exists = m.s.tenantExists(t);
    m.expect(exists === (ok !== null), `getTenant(${t}) ${ok === null ? "found nothing" : "found a tenant"}; the model says it ${exists ? "exists" : "does not exist"}`);
  },
  "Multitenancy.listAllTenants (this run's)": (m, _a, ok) => {
    const res = ok as { tenants: { tenantId: string }[] } | undefined;
    if (!res || !m.sure("tenants")) return;
    m.expect(sameSet(res.tenants.map((t) => t.tenantId), m.s.tenants), `tenants: expected ${JSON.stringify([...m.s.tenants])}, got ${JSON.stringify(res.tenants.map((t) => t.tenantId))}`);
  },
  "Multitenancy.associateUserToTenant": (m, a, ok) => {
    const res = ok as Json | undefined;
    const t = m.s.tenant(a.tenant);
    if (!res) return;
    const u = m.s.find(typeof a.user === "string" ? a.user.trim() : a.user);
    if (!t) return res.status === "OK" ? m.taint("users") : undefined;
    if (res.status === "OK") {
      m.expect(!!u, `associateUserToTenant answered OK for ${String(a.user)}, the model has no such user`, "users");
      if (!u) return m.taint("users");
      m.expect(res.wasAlreadyAssociated === u.tenants.has(t), `wasAlreadyAssociated is ${String(res.wasAlreadyAssociated)} for ${t}`, "users");
      u.tenants.add(t);
    } else if (res.status === "UNKNOWN_USER_ID_ERROR") {
      m.expect(!u, `associateUserToTenant: unknown user, but ${String(a.user)} is a live user`, "users");
    } else if (res.status === "EMAIL_ALREADY_EXISTS_ERROR" && u) {
      m.expect(holders(m, t, (v) => v !== u && v.recipe === u.recipe && v.email === u.email).length > 0, `associateUserToTenant: email conflict in ${t} without another user of that email there`, "users");
    } else if (res.status === "PHONE_NUMBER_ALREADY_EXISTS_ERROR" && u) {
      m.expect(holders(m, t, (v) => v !== u && v.recipe === u.recipe && v.phone === u.phone).length > 0, `associateUserToTenant: phone conflict in ${t} without another user of that phone there`, "users");
    }
  },
  "Multitenancy.disassociateUserFromTenant": (m, a, ok) => {
    const res = ok as Json | undefined;
    const t = m.s.tenant(a.tenant);
    if (!res || typeof a.user !== "string") return;
    const id = a.user.trim();
    const u = m.s.find(id);
    if (!t) return res.status === "OK" ? m.taint("users", "roles", "sessions") : undefined;
    const dataId = u ? publicId(u) : id;
    if (res.status === "OK" && m.s.owned(id)) {
      // The Core removes the login method from the tenant and the id's roles, sessions and verification tokens there.
      const hadData = m.s.rolesOf(t, dataId).size > 0 || [...m.s.sessions.values()].some((s) => s.userId === dataId && s.tenant === t && s.life === "live");
      const maybeTokens = [...m.s.evTokens.values()].some((x) => x.userId === dataId && x.tenant === t && x.life !== "dead");
      if (!maybeTokens && m.sure("users") && m.sure("roles") && m.sure("sessions") && m.sure("verification")) {
        m.expect(res.wasAssociated === (!!u?.tenants.has(t) || hadData), `wasAssociated is ${String(res.wasAssociated)} for ${id} in ${t}`);
      }
    } else if (res.status === "UNKNOWN_USER_ID_ERROR" && m.s.owned(id)) {
      const data = m.s.hasNonAuthData(id);
      if (data !== undefined) m.expect(!u && !data, `disassociate: unknown user, but ${id} ${u ? "is a live user" : "has data (roles, sessions, metadata or verification)"}`, "users");
    }
    if (res.status !== "OK") return;
    u?.tenants.delete(t);
    m.s.rolesOf(t, dataId).clear();
    for (const s of m.s.sessions.values()) if (s.userId === dataId && s.tenant === t) s.life = "dead";
    for (const x of m.s.evTokens.values()) if (x.userId === dataId && x.tenant === t) x.life = "dead";
  },
  "Session.createNewSession": (m, a, ok) => {
    const res = ok as Json | undefined;
    if (!res) return;
    // A tenant the model cannot read (blank...): the session says where it is.
    const t = m.s.tenant(a.tenant) ?? m.s.tenant(res.tenantId);
    if (!t) return m.taint("sessions");
    const handle = res.handle as string;
    m.expect(t === "public" ? !handle.includes("_") : handle.endsWith(`_${t}`), `session handle ${handle} in tenant ${t}`);
    m.s.sessions.set(handle, { handle, userId: res.userId as string, tenant: t, life: "live" });
  },
  "Session.getSession": (m, a, ok, threw) => {
    const ref = a.session as SessionRef | undefined;
    const s = ref && m.s.sessions.get(ref.handle);
    if (!s || s.life === "unknown" || !a.checkDatabase || !m.sure("sessions")) return;
    if (s.life === "live") m.expect(!threw, `a live session did not verify: ${String(threw)}`);
    else m.expect(!!threw, `a revoked session verified with checkDatabase`);
  },
  "Session.refreshSession": (m, a, ok, threw) => {
    const ref = a.session as SessionRef | undefined;
    const s = ref && m.s.sessions.get(ref.handle);
    if (!s || s.life === "unknown" || a.token !== "current" || !m.sure("sessions")) return;
    if (s.life === "live") m.expect(!!ok && (ok as Json).handle === s.handle, `refreshing a live session: ${threw ?? JSON.stringify(ok)}`);
    else m.expect(!!threw, `refreshing a revoked session succeeded`);
  },
  "Session.revokeSession": (m, a, ok) => {
    const ref = a.session as SessionRef | undefined;
    const s = ref && m.s.sessions.get(ref.handle);
    if (typeof ok !== "boolean" || !s) return;
    if (s.life !== "unknown" && m.sure("sessions")) m.expect(ok === (s.life === "live"), `revokeSession answered ${ok} for a ${s.life} session`);
    s.life = "dead";
  },
  "Session.revokeAllSessionsForUser": (m, a, ok) => {
    if (!Array.isArray(ok)) return;
    const t = a.tenant === undefined ? undefined : m.s.tenant(a.tenant);
    if (a.tenant !== undefined && !t) return m.taint("sessions");
    const mine = [...m.s.sessions.values()].filter((s) => s.userId === a.user && (t === undefined || s.tenant === t));
    if (m.s.owned(a.user) && !mine.some((s) => s.life === "unknown") && m.sure("sessions")) {
      const want = mine.filter((s) => s.life === "live").map((s) => s.handle);
      m.expect(sameSet(ok, want), `revokeAllSessionsForUser(${String(a.user)}): revoked ${JSON.stringify(ok)}, expected ${JSON.stringify(want)}`);
    }
    for (const s of mine) s.life = "dead";
  },
  "Session.getAllSessionHandlesForUser": (m, a, ok) => {
    if (!Array.isArray(ok) || !m.s.owned(a.user) || !m.sure("sessions")) return;
    const t = a.tenant === undefined ? undefined : m.s.tenant(a.tenant);
    if (a.tenant !== undefined && !t) return;
    const mine = [...m.s.sessions.values()].filter((s) => s.userId === a.user && (t === undefined || s.tenant === t));
    if (mine.some((s) => s.life === "unknown")) return;
    const want = mine.filter((s) => s.life === "live").map((s) => s.handle);
    m.expect(sameSet(ok, want), `session handles of ${String(a.user)}: got ${JSON.stringify(ok)}, expected ${JSON.stringify(want)}`);
  },
  "Session.getSessionInformation": (m, a, ok, threw) => {
    const ref = a.session as SessionRef | undefined;
    const s = ref && m.s.sessions.get(ref.handle);
    if (!s || !m.sure("sessions") || !m.sure("tenants")) return;
    // The handle names its tenant: once that tenant is deleted, the Core answers 400 (tenant not found).
    if (!m.s.tenantExists(s.tenant)) return m.expect(!!threw, `getSessionInformation of a session of deleted tenant ${s.tenant} answered ${JSON.stringify(ok)}`);
    if (s.life === "unknown") return;
    m.expect((ok !== null) === (s.life === "live"), `getSessionInformation of a ${s.life} session: ${JSON.stringify(ok)}`);
  },
};
