/**
 * Core 11.4.7's checks of one bulk-import user (BulkImportUserUtils.createBulkImportUserFromJSON),
 * in its order and with its texts, used when users are staged, imported one at a time, and again
 * by the background task before it imports a staged user. One validator serves one request or
 * one background run: an externalUserId may appear only once in it.
 *
 * Where the embedded core lacks a feature it answers as a Core without that feature's licence
 * (account linking: one login method per user, none primary; MFA: no TOTP devices; multitenancy
 * per the core's option), and it refuses thirdparty login methods, having no ThirdParty recipe.
 */
import { randomUUID } from "node:crypto";
import { normaliseEmail, normalisePhoneNumber } from "../accounts/normalize.ts";
import { UnsupportedHashFormat, assertSupportedHashFormat } from "../accounts/password-hashes.ts";
import { CoreHttpError } from "../http/errors.ts";
import { gsonToString, toJs, type GsonValue } from "../http/gson.ts";
import type { JsonObject } from "../http/input.ts";
import { FieldReader } from "./json-rules.ts";
import { loginMethodJson, primaryLoginMethod, type BulkImportUser, type BulkLoginMethod, type BulkUserRole } from "./types.ts";

export interface ValidatorContext {
  /** The app's roles when the request (or run) started. */
  roles: readonly string[];
  tenantExists(tenantId: string): boolean;
  multitenancyLicensed: boolean;
  firebaseSignerKey: string | undefined;
  now(): number;
  /** GENERATE gives each login method a new id (staging, import); READ_STORED reads the staged one (background run). */
  mode: "GENERATE" | "READ_STORED";
}

export type Validated = { ok: true; user: BulkImportUser } | { ok: false; errors: string[] };

const RECIPES = ["emailpassword", "thirdparty", "passwordless"];
const ALGORITHMS = ["BCRYPT", "ARGON2", "FIREBASE_SCRYPT"];

/** The NullPointerException the Core throws for a user role without a usable "role" (a 500). */
const roleNpe = (): CoreHttpError => new CoreHttpError(500, 'java.lang.NullPointerException: Cannot invoke "String.length()" because "<parameter1>" is null');

export class BulkImportValidator {
  private readonly externalIds = new Set<string>();

  constructor(private readonly ctx: ValidatorContext) {}

  /** A user's JSON element: anything but an object is the Core's unhandled 500. */
  validateElement(element: GsonValue): Validated {
    if (element.kind !== "object") throw new CoreHttpError(500, `java.lang.IllegalStateException: Not a JSON Object: ${gsonToString(element)}`);
    return this.validate(element.members);
  }

  validate(user: Map<string, GsonValue>): Validated {
    const errors: string[] = [];
    const top = new FieldReader(user, errors, ".");
    let externalUserId = top.string("externalUserId");
    const metadata = top.object("userMetadata");
    const userRoles = this.userRoles(top, errors);
    this.totpDevices(top, errors);
    const loginMethods = this.loginMethods(top, errors);
    externalUserId = this.externalUserId(externalUserId, errors);
    this.tenantsOfRolesAndLoginMethods(userRoles, loginMethods, errors);
    if (errors.length > 0) return { ok: false, errors };
    const user_: BulkImportUser = { id: primaryLoginMethod(loginMethods).superTokensUserId, loginMethods };
    if (externalUserId !== undefined) user_.externalUserId = externalUserId;
    if (metadata !== undefined) user_.userMetadata = toJs({ kind: "object", members: metadata }) as JsonObject;
    if (userRoles !== undefined) user_.userRoles = userRoles;
    return { ok: true, user: reorder(user_) };
  }

  private userRoles(top: FieldReader, errors: string[]): BulkUserRole[] | undefined {
    const list = top.objects("userRoles");
    if (list === undefined) return undefined;
    return list.map((members) => {
      const r = new FieldReader(members, errors, " for a user role.");
      const raw = r.string("role", true);
      const tenantIds = r.strings("tenantIds", true);
      if (raw === undefined) throw roleNpe();
      if (raw.length > 255) errors.push(`role ${raw} is too long. Max length is 255.`);
      const role = raw.trim();
      if (!this.ctx.roles.includes(role)) errors.push(`Role ${role} does not exist.`);
      return { role, tenantIds: this.tenantIds(tenantIds, errors, " for a user role.") };
    });
  }

  private totpDevices(top: FieldReader, errors: string[]): void {
    // The embedded core has no TOTP: it answers as a Core without the MFA feature.
    if (top.objects("totpDevices") !== undefined) errors.push("MFA must be enabled to import totp devices.");
  }

  /** validateAndNormaliseTenantIds: none given means "public"; unknown ones are dropped with an error. */
  private tenantIds(given: string[] | undefined, errors: string[], suffix: string): string[] {
    if (given === undefined) return ["public"];
    const out: string[] = [];
    for (const tenantId of given) {
      if (tenantId === "public") {
        out.push(tenantId);
        continue;
      }
      if (!this.ctx.multitenancyLicensed) {
        errors.push("Multitenancy must be enabled before importing users to a different tenant.");
        continue;
      }
      const normalised = tenantId.trim().toLowerCase();
      if (!this.ctx.tenantExists(normalised)) errors.push(`Invalid tenantId: ${tenantId}${suffix}`);
      else out.push(normalised);
    }
    return out;
  }

  private loginMethods(top: FieldReader, errors: string[]): BulkLoginMethod[] {
    const list = top.objects("loginMethods", true);
    if (list === undefined) return [];
    if (list.length === 0) {
      errors.push("At least one loginMethod is required.");
      return [];
    }
    // The embedded core has no account linking: it answers as a Core without that feature.
    if (list.length > 1) errors.push("Account linking must be enabled to import multiple loginMethods.");
    let primaries = 0;
    for (const members of list) {
      const v = members.get("isPrimary");
      if (v?.kind === "boolean" && v.value && ++primaries > 1) errors.push("No two loginMethods can have isPrimary as true.");
    }
    const out: BulkLoginMethod[] = [];
    for (const members of list) {
      const m = this.loginMethod(members, errors);
      if (m) out.push(m);
    }
    return out;
  }

  private loginMethod(members: Map<string, GsonValue>, errors: string[]): BulkLoginMethod | undefined {
    const r = new FieldReader(members, errors, " for a loginMethod.");
    const recipeId = r.string("recipeId", true);
    const tenantIds = r.strings("tenantIds");
    const isVerified = r.boolean("isVerified") ?? false;
    const isPrimary = r.boolean("isPrimary") ?? false;
    const timeJoined = new FieldReader(members, errors, " for a loginMethod").long("timeJoinedInMSSinceEpoch");
    if (recipeId !== undefined && !RECIPES.includes(recipeId)) {
      errors.push("Invalid recipeId for loginMethod. Pass one of emailpassword, thirdparty or, passwordless!");
    }
    const tenants = this.tenantIds(tenantIds, errors, ` for ${recipeId ?? "null"} recipe.`);
    const timeJoinedInMSSinceEpoch = this.timeJoined(timeJoined, errors);
    const superTokensUserId =
      this.ctx.mode === "GENERATE" ? randomUUID() : new FieldReader(members, errors, " for a loginMethod").string("superTokensUserId", true) ?? "";
    const base = { tenantIds: tenants, isVerified, isPrimary, timeJoinedInMSSinceEpoch, superTokensUserId };
    if (recipeId === "emailpassword") return { ...base, recipeId, ...this.emailPassword(members, errors) };
    if (recipeId === "passwordless") return { ...base, recipeId, ...this.passwordless(members, errors) };
    if (recipeId === "thirdparty") this.thirdParty(members, errors);
    return undefined;
  }

  private timeJoined(given: number | undefined, errors: string[]): number {
    const now = this.ctx.now();
    if (given === undefined) return now;
    if (given > now) errors.push("timeJoined cannot be in future for a loginMethod.");
    if (given < 0) errors.push("timeJoined cannot be < 0 for a loginMethod.");
    return given;
  }

  private email(raw: string | undefined, errors: string[]): string | undefined {
    if (raw === undefined) return undefined;
    if (raw.length > 255) errors.push(`email ${raw} is too long. Max length is 256.`);
    return normaliseEmail(raw);
  }

  private emailPassword(members: Map<string, GsonValue>, errors: string[]): Partial<BulkLoginMethod> {
    const r = new FieldReader(members, errors, " for an emailpassword recipe.");
    const rawEmail = r.string("email", true);
    let passwordHash = r.string("passwordHash");
    const rawAlgorithm = r.string("hashingAlgorithm");
    const plainTextPassword = r.string("plainTextPassword");
    if ((passwordHash === undefined || rawAlgorithm === undefined) && plainTextPassword === undefined) {
      errors.push("Either (passwordHash, hashingAlgorithm) or plainTextPassword is required for an emailpassword recipe.");
    }
    const email = this.email(rawEmail, errors);
    let algorithm: string | undefined;
    if (rawAlgorithm !== undefined) {
      algorithm = rawAlgorithm.trim().toUpperCase();
      if (!ALGORITHMS.includes(algorithm)) {
        errors.push("Invalid hashingAlgorithm for emailpassword recipe. Pass one of bcrypt, argon2 or, firebase_scrypt!");
        algorithm = undefined;
      }
    }
    if (algorithm !== undefined && passwordHash !== undefined) {
      if (passwordHash.length > 256) errors.push("passwordHash is too long. Max length is 256.");
      passwordHash = passwordHash.trim();
      try {
        assertSupportedHashFormat(passwordHash, algorithm, this.ctx.firebaseSignerKey);
      } catch (err) {
        if (!(err instanceof UnsupportedHashFormat)) throw err;
        errors.push(err.message);
      }
    }
    return { email, passwordHash, hashingAlgorithm: algorithm ?? rawAlgorithm, plainTextPassword };
  }

  private passwordless(members: Map<string, GsonValue>, errors: string[]): Partial<BulkLoginMethod> {
    const r = new FieldReader(members, errors, " for a passwordless recipe.");
    const email = this.email(r.string("email"), errors);
    const rawPhone = r.string("phoneNumber");
    if (rawPhone !== undefined && rawPhone.length > 256) errors.push(`phoneNumber ${rawPhone} is too long. Max length is 256.`);
    const phoneNumber = rawPhone !== undefined ? normalisePhoneNumber(rawPhone) : undefined;
    if (email === undefined && phoneNumber === undefined) errors.push("Either email or phoneNumber is required for a passwordless recipe.");
    return { email, phoneNumber };
  }

  /** The Core's checks of a thirdparty login method, then the embedded core's refusal of it. */
  private thirdParty(members: Map<string, GsonValue>, errors: string[]): void {
    const r = new FieldReader(members, errors, " for a thirdparty recipe.");
    const email = r.string("email", true);
    const thirdPartyId = r.string("thirdPartyId", true);
    const thirdPartyUserId = r.string("thirdPartyUserId", true);
    this.email(email, errors);
    if (thirdPartyId !== undefined && thirdPartyId.length > 28) errors.push(`thirdPartyId ${thirdPartyId} is too long. Max length is 28.`);
    if (thirdPartyUserId !== undefined && thirdPartyUserId.length > 256) {
      errors.push(`thirdPartyUserId ${thirdPartyUserId} is too long. Max length is 256.`);
    }
    errors.push("thirdparty loginMethods cannot be imported into the embedded core: it has no ThirdParty recipe.");
  }

  private externalUserId(id: string | undefined, errors: string[]): string | undefined {
    if (id === undefined) return undefined;
    if (id.length > 128) errors.push(`externalUserId ${id} is too long. Max length is 128.`);
    if (this.externalIds.has(id)) errors.push(`externalUserId ${id} is not unique. It is already used by another user.`);
    this.externalIds.add(id);
    return id.trim();
  }

  /** validateTenantIdsForRoleAndLoginMethods (all tenants share the embedded core's one database). */
  private tenantsOfRolesAndLoginMethods(roles: BulkUserRole[] | undefined, methods: BulkLoginMethod[], errors: string[]): void {
    for (const role of roles ?? []) {
      for (const tenantId of role.tenantIds) {
        if (tenantId !== "public" && !methods.some((m) => m.tenantIds.includes(tenantId))) {
          errors.push(`TenantId ${tenantId} for a user role does not exist in loginMethods.`);
        }
      }
    }
    for (const m of methods) {
      if (m.tenantIds.length === 0) errors.push(`LoginMethod '${JSON.stringify(loginMethodJson(m))}' has no tenantId`);
    }
  }
}

/** Drops undefined fields of the login methods, so the staged JSON has only what Gson would write. */
function reorder(user: BulkImportUser): BulkImportUser {
  return { ...user, loginMethods: user.loginMethods.map((m) => loginMethodJson(m) as unknown as BulkLoginMethod) };
}
