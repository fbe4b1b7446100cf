/**
 * Passwordless: codes per device (one device per sign-in attempt, for one email or phone),
 * consumed with the user-input code (OTP) or the link code (magic link), as the Core does it:
 * - deviceId is 32 random bytes (base64); preAuthSessionId is base64url(sha256(deviceId));
 * - a code's linkCode is HMAC-SHA256 over its user-input code, keyed by the device id and the
 *   device's salt, so an OTP and its magic link are the same code;
 * - a wrong or expired OTP counts an attempt and the last allowed attempt deletes the device
 *   (RESTART_FLOW_ERROR from then on); a bad link code never counts;
 * - consume signs the user in or up and deletes every device of that email or phone in the
 *   tenant; check verifies without consuming.
 */
import { createHash, createHmac, randomBytes, randomInt, randomUUID } from "node:crypto";
import type { Accounts, UserRow } from "../accounts/accounts.ts";
import { normaliseEmail, normalisePhoneNumber } from "../accounts/normalize.ts";
import type { CoreDeps, Route } from "../context.ts";
import { badRequest } from "../http/errors.ts";
import type { Body } from "../http/input.ts";
import { markEmailVerified } from "./emailverification.ts";
import type { Tenants } from "./multitenancy.ts";

interface DeviceRow {
  device_id_hash: string;
  tenant_id: string;
  email: string | null;
  phone_number: string | null;
  link_code_salt: string;
  failed_attempts: number;
}

interface CodeRow {
  code_id: string;
  device_id_hash: string;
  link_code_hash: string;
  user_input_code: string;
  created_at: number;
}

const RESTART = { status: "RESTART_FLOW_ERROR" } as const;
const ONE_OF_LINK_OR_OTP = "Please provide exactly one of linkCode or deviceId+userInputCode";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

function decode(value: string, alphabet: RegExp, field: string): Buffer {
  if (!alphabet.test(value) || value.replace(/=+$/, "").length % 4 === 1) throw badRequest(`Input encoding error in ${field}`);
  return Buffer.from(value, alphabet === BASE64 ? "base64" : "base64url");
}

const deviceIdHash = (deviceId: Buffer): string => createHash("sha256").update(deviceId).digest("base64url");
const linkCodeOf = (deviceId: Buffer, salt: string, userInputCode: string): string =>
  createHmac("sha256", Buffer.concat([deviceId, Buffer.from(salt, "base64")])).update(userInputCode, "utf8").digest("base64url");
const linkCodeHash = (linkCode: Buffer): string => createHash("sha256").update(linkCode).digest("base64url");

/**
 * Deletes the devices (pending codes) of an email or a phone number in the given tenants: those of
 * the user whose contact changed, as the Core's deleteDevicesByEmail/PhoneNumber with a user id do.
 */
export type RetireDevices = (tenantIds: readonly string[], column: "email" | "phone_number", value: string | null) => void;

export function makeRetireDevices(deps: CoreDeps): RetireDevices {
  return (tenantIds, column, value) => {
    if (value === null) return;
    const retire = deps.db.prepare(`DELETE FROM passwordless_devices WHERE tenant_id = ? AND ${column} = ?`);
    for (const tenantId of tenantIds) retire.run(tenantId, value);
  };
}

export function passwordlessRoutes(deps: CoreDeps, accounts: Accounts, tenants: Tenants): Route[] {
  const { db } = deps;

  const device = (tenantId: string, hash: string): DeviceRow | undefined =>
    db.prepare("SELECT * FROM passwordless_devices WHERE tenant_id = ? AND device_id_hash = ?").get(tenantId, hash) as DeviceRow | undefined;
  const codesOf = (hash: string): CodeRow[] =>
    db.prepare("SELECT * FROM passwordless_codes WHERE device_id_hash = ? ORDER BY created_at, rowid").all(hash) as CodeRow[];
  const deleteDevice = (hash: string): void => {
    db.prepare("DELETE FROM passwordless_devices WHERE device_id_hash = ?").run(hash);
  };
  const contact = (d: DeviceRow): Record<string, string> => {
    const out: Record<string, string> = {};
    if (d.email !== null) out.email = d.email;
    if (d.phone_number !== null) out.phoneNumber = d.phone_number;
    return out;
  };
  const consumedDevice = (d: DeviceRow) => ({
    preAuthSessionId: d.device_id_hash,
    failedCodeInputAttemptCount: d.failed_attempts,
    ...contact(d),
  });

  /** Issues a code on a device; undefined when a caller-chosen code was already issued on it. */
  function issueCode(tenantId: string, deviceId: string, d: DeviceRow, chosenCode: string | undefined) {
    const deviceBytes = Buffer.from(deviceId, "base64");
    for (;;) {
      const userInputCode = chosenCode ?? String(randomInt(0, 1_000_000)).padStart(6, "0");
      const linkCode = linkCodeOf(deviceBytes, d.link_code_salt, userInputCode);
      const hash = linkCodeHash(Buffer.from(linkCode, "base64url"));
      if (db.prepare("SELECT 1 FROM passwordless_codes WHERE link_code_hash = ?").get(hash)) {
        if (chosenCode !== undefined) return undefined;
        continue; // a generated code collided with one already issued on this device: draw again
      }
      const codeId = randomUUID();
      const timeCreated = deps.now();
      db.prepare(
        "INSERT INTO passwordless_codes (code_id, device_id_hash, link_code_hash, user_input_code, created_at) VALUES (?, ?, ?, ?, ?)",
      ).run(codeId, d.device_id_hash, hash, userInputCode, timeCreated);
      return {
        status: "OK",
        preAuthSessionId: d.device_id_hash,
        codeId,
        deviceId,
        userInputCode,
        linkCode,
        timeCreated,
        codeLifetime: tenants.settings(tenantId).passwordlessCodeLifetimeMs,
      };
    }
  }

  /**
   * The input of consume and check (ConsumeCodeAPI / CheckCodeAPI), read before the tenant is
   * looked up: a link code, or a device id with its user-input code, never both.
   */
  function codeInput(body: Body): { preAuthSessionId: string } & ({ linkCode: string } | { deviceId: string; userInputCode: string }) {
    const preAuthSessionId = body.string("preAuthSessionId");
    if (body.has("linkCode")) {
      if (body.has("userInputCode") || body.has("deviceId")) throw badRequest(ONE_OF_LINK_OR_OTP);
      return { preAuthSessionId, linkCode: body.string("linkCode") };
    }
    if (body.has("userInputCode") && body.has("deviceId")) {
      const deviceId = body.string("deviceId");
      return { preAuthSessionId, deviceId, userInputCode: body.string("userInputCode") };
    }
    throw badRequest(ONE_OF_LINK_OR_OTP);
  }

  /**
   * Checks a code (consume and check share this). Returns the device, or the Core's error reply
   * after counting a wrong OTP and deleting the device on the last allowed attempt.
   */
  function check(tenantId: string, input: ReturnType<typeof codeInput>): { device: DeviceRow } | { error: Record<string, unknown> } {
    const settings = tenants.settings(tenantId);
    const now = deps.now();
    const expired = (c: CodeRow): boolean => c.created_at < now - settings.passwordlessCodeLifetimeMs;

    let hash: string;
    let d: DeviceRow | undefined;
    if ("linkCode" in input) {
      hash = linkCodeHash(decode(input.linkCode, BASE64URL, "linkCode"));
      const code = db.prepare("SELECT * FROM passwordless_codes WHERE link_code_hash = ?").get(hash) as CodeRow | undefined;
      if (!code || expired(code)) return { error: RESTART };
      d = device(tenantId, code.device_id_hash);
      if (!d) return { error: RESTART };
    } else {
      const deviceBytes = decode(input.deviceId, BASE64, "deviceId");
      d = device(tenantId, deviceIdHash(deviceBytes));
      if (!d) return { error: RESTART };
      hash = linkCodeHash(Buffer.from(linkCodeOf(deviceBytes, d.link_code_salt, input.userInputCode), "base64url"));
    }
    if (d.device_id_hash !== input.preAuthSessionId.replace(/=+$/, "")) throw badRequest("preAuthSessionId and deviceId doesn't match");
    if (d.failed_attempts >= settings.passwordlessMaxCodeInputAttempts) {
      deleteDevice(d.device_id_hash);
      return { error: RESTART };
    }
    const code = db.prepare("SELECT * FROM passwordless_codes WHERE link_code_hash = ? AND device_id_hash = ?").get(hash, d.device_id_hash) as
      | CodeRow
      | undefined;
    if (code && !expired(code)) return { device: d };
    if ("linkCode" in input) return { error: RESTART };
    const attempts = d.failed_attempts + 1;
    if (attempts >= settings.passwordlessMaxCodeInputAttempts) {
      deleteDevice(d.device_id_hash);
      return { error: RESTART };
    }
    db.prepare("UPDATE passwordless_devices SET failed_attempts = ? WHERE device_id_hash = ?").run(attempts, d.device_id_hash);
    return {
      error: {
        status: code ? "EXPIRED_USER_INPUT_CODE_ERROR" : "INCORRECT_USER_INPUT_CODE_ERROR",
        failedCodeInputAttemptCount: attempts,
        maximumCodeInputAttempts: settings.passwordlessMaxCodeInputAttempts,
      },
    };
  }

  const deleteDevicesOf = (tenantId: string, column: "email" | "phone_number", value: string | null): void => {
    if (value !== null) db.prepare(`DELETE FROM passwordless_devices WHERE tenant_id = ? AND ${column} = ?`).run(tenantId, value);
  };

  function signInUp(tenantId: string, d: DeviceRow): { user: UserRow; createdNewUser: boolean } {
    deleteDevicesOf(tenantId, "email", d.email);
    deleteDevicesOf(tenantId, "phone_number", d.phone_number);
    const by = d.email !== null ? { email: d.email } : { phoneNumber: d.phone_number ?? "" };
    const existing = accounts.findInTenant(tenantId, "passwordless", by);
    if (existing) {
      // The user's other contact may have pending codes too; they go as well.
      deleteDevicesOf(tenantId, "email", existing.email);
      deleteDevicesOf(tenantId, "phone_number", existing.phone_number);
    }
    const user = existing ?? accounts.create(tenantId, "passwordless", by);
    if (d.email !== null) markEmailVerified(deps, accounts.externalIdOf(user.user_id) ?? user.user_id, d.email);
    return { user, createdNewUser: existing === undefined };
  }

  function listDevices(tenantId: string, where: string, value: string) {
    const rows = db
      .prepare(`SELECT * FROM passwordless_devices WHERE tenant_id = ? AND ${where} = ? ORDER BY rowid`)
      .all(tenantId, value) as DeviceRow[];
    const lifetime = tenants.settings(tenantId).passwordlessCodeLifetimeMs;
    const devices = rows.map((d) => ({
      preAuthSessionId: d.device_id_hash,
      failedCodeInputAttemptCount: d.failed_attempts,
      ...contact(d),
      codes: codesOf(d.device_id_hash).map((c) => ({ codeId: c.code_id, timeCreated: c.created_at, codeLifetime: lifetime })),
    }));
    return { status: "OK", devices };
  }

  // Each handler reads and checks its input in the order of the Core's API class (CreateCodeAPI,
  // ConsumeCodeAPI, …) and only then looks the tenant up, so the same error wins.
  return [
    {
      method: "POST",
      path: "/recipe/signinup/code",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { body } = req;
        const email = body.has("email") ? normaliseEmail(body.string("email")) : undefined;
        const phoneRaw = body.optString("phoneNumber");
        const phone = phoneRaw !== undefined ? normalisePhoneNumber(phoneRaw) : undefined;
        const existingDeviceId = body.optString("deviceId");
        if ([email, phone, existingDeviceId].filter((v) => v !== undefined).length !== 1) {
          throw badRequest("Please provide exactly one of email, phoneNumber or deviceId");
        }
        const userInputCode = body.optString("userInputCode");
        if (userInputCode === "") throw badRequest("userInputCode cannot be an empty string.");
        const tenantId = req.tenant();
        if (existingDeviceId !== undefined) {
          const d = device(tenantId, deviceIdHash(decode(existingDeviceId, BASE64, "deviceId")));
          if (!d) return RESTART;
          return issueCode(tenantId, existingDeviceId, d, userInputCode) ?? { status: "USER_INPUT_CODE_ALREADY_USED_ERROR" };
        }
        const deviceBytes = randomBytes(32);
        const d: DeviceRow = {
          device_id_hash: deviceIdHash(deviceBytes),
          tenant_id: tenantId,
          email: email ?? null,
          phone_number: phone ?? null,
          link_code_salt: randomBytes(32).toString("base64"),
          failed_attempts: 0,
        };
        db.prepare(
          "INSERT INTO passwordless_devices (device_id_hash, tenant_id, email, phone_number, link_code_salt, failed_attempts) VALUES (?, ?, ?, ?, ?, 0)",
        ).run(d.device_id_hash, tenantId, d.email, d.phone_number, d.link_code_salt);
        return issueCode(tenantId, deviceBytes.toString("base64"), d, userInputCode);
      },
    },
    {
      method: "POST",
      path: "/recipe/signinup/code/consume",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const input = codeInput(req.body);
        const tenantId = req.tenant();
        const result = check(tenantId, input);
        if ("error" in result) return result.error;
        const { user, createdNewUser } = signInUp(tenantId, result.device);
        const coreUser = accounts.toCoreUser(user);
        return { status: "OK", createdNewUser, user: coreUser, recipeUserId: coreUser.id, consumedDevice: consumedDevice(result.device) };
      },
    },
    {
      method: "POST",
      path: "/recipe/signinup/code/check",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const input = codeInput(req.body);
        const result = check(req.tenant(), input);
        if ("error" in result) return result.error;
        return { status: "OK", consumedDevice: consumedDevice(result.device) };
      },
    },
    {
      method: "GET",
      path: "/recipe/signinup/codes",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { query } = req;
        const email = query.optString("email");
        const phoneRaw = query.optString("phoneNumber");
        const phone = phoneRaw !== undefined ? normalisePhoneNumber(phoneRaw) : undefined;
        const deviceId = query.optString("deviceId");
        const preAuthSessionId = query.optString("preAuthSessionId");
        if ([email, phone, deviceId, preAuthSessionId].filter((v) => v !== undefined).length !== 1) {
          throw badRequest("Please provide exactly one of email, phoneNumber, deviceId or preAuthSessionId");
        }
        const tenantId = req.tenant();
        if (deviceId !== undefined) return listDevices(tenantId, "device_id_hash", deviceIdHash(decode(deviceId, BASE64, "deviceId")));
        if (preAuthSessionId !== undefined) return listDevices(tenantId, "device_id_hash", preAuthSessionId);
        if (email !== undefined) return listDevices(tenantId, "email", normaliseEmail(email));
        return listDevices(tenantId, "phone_number", phone ?? "");
      },
    },
    {
      method: "POST",
      path: "/recipe/signinup/code/remove",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const { body } = req;
        // Before CDI 5.0 codeId was required and preAuthSessionId unknown.
        const v5 = Number(req.cdiVersion.split(".")[0]) >= 5;
        const codeId = v5 ? body.optString("codeId") : body.string("codeId");
        const preAuthSessionId = v5 ? body.optString("preAuthSessionId") : undefined;
        if (codeId === undefined && preAuthSessionId === undefined) throw badRequest("Please provide either 'codeId' or 'preAuthSessionId'");
        if (codeId !== undefined && preAuthSessionId !== undefined) {
          throw badRequest("Please provide only one of 'codeId' or 'preAuthSessionId'");
        }
        const tenantId = req.tenant();
        if (codeId !== undefined) {
          const code = db.prepare("SELECT device_id_hash FROM passwordless_codes WHERE code_id = ?").get(codeId) as
            | { device_id_hash: string }
            | undefined;
          if (code && device(tenantId, code.device_id_hash)) {
            db.prepare("DELETE FROM passwordless_codes WHERE code_id = ?").run(codeId);
            if (codesOf(code.device_id_hash).length === 0) deleteDevice(code.device_id_hash);
          }
        } else {
          db.prepare("DELETE FROM passwordless_devices WHERE tenant_id = ? AND device_id_hash = ?").run(tenantId, preAuthSessionId);
        }
        return { status: "OK" };
      },
    },
    {
      method: "POST",
      path: "/recipe/signinup/codes/remove",
      scope: "tenant",
      checksInHandler: true,
      handler: (req) => {
        const email = req.body.optString("email");
        const phoneRaw = req.body.optString("phoneNumber");
        const phone = phoneRaw !== undefined ? normalisePhoneNumber(phoneRaw) : undefined;
        if ((email === undefined) === (phone === undefined)) throw badRequest("Please provide exactly one of email or phoneNumber");
        const tenantId = req.tenant();
        if (email !== undefined) deleteDevicesOf(tenantId, "email", normaliseEmail(email));
        if (phone !== undefined) deleteDevicesOf(tenantId, "phone_number", phone);
        return { status: "OK" };
      },
    },
  ];
}

/** The fields of a Passwordless PUT /recipe/user: absent is "leave alone", null is "remove". */
export interface PasswordlessUpdate {
  email: string | null | undefined;
  phoneNumber: string | null | undefined;
}

/** Passwordless UserAPI.doPut's input, read before the app is looked up. */
export function readPasswordlessUpdate(body: Body): PasswordlessUpdate {
  const field = (name: string, normalise: (v: string) => string): string | null | undefined => {
    if (!body.has(name)) return undefined;
    const v = body.stringOrNull(name, true);
    return v === null || v === undefined ? null : normalise(v);
  };
  return { email: field("email", normaliseEmail), phoneNumber: field("phoneNumber", normalisePhoneNumber) };
}

/**
 * PUT /recipe/user for Passwordless. An absent field is left alone; null removes it; a user must
 * keep an email or a phone number. Conflicts are checked in every tenant of the user; pending
 * codes of the old and new contact are dropped.
 */
export function updatePasswordlessUser(
  accounts: Accounts,
  row: UserRow | undefined,
  update: PasswordlessUpdate,
  retireDevices: RetireDevices,
): { status: string } {
  if (!row || row.recipe_id !== "passwordless") return { status: "UNKNOWN_USER_ID_ERROR" };
  const email = update.email === undefined ? row.email : update.email;
  const phoneNumber = update.phoneNumber === undefined ? row.phone_number : update.phoneNumber;
  if (email === null && phoneNumber === null) throw badRequest("You cannot clear both email and phone number of a user");
  const tenantIds = accounts.tenantsOf(row.user_id);
  if (email !== null && email !== row.email && accounts.takenInTenants(tenantIds, "passwordless", { email }, row.user_id)) {
    return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
  }
  if (phoneNumber !== null && phoneNumber !== row.phone_number && accounts.takenInTenants(tenantIds, "passwordless", { phoneNumber }, row.user_id)) {
    return { status: "PHONE_NUMBER_ALREADY_EXISTS_ERROR" };
  }
  accounts.setAccountInfo(row.user_id, { email, phoneNumber });
  // The pending codes of the old and of the new contact go, in the user's tenants (a code sent to
  // the new email before it became this user's must not sign in as this user).
  if (email !== row.email) {
    retireDevices(tenantIds, "email", row.email);
    retireDevices(tenantIds, "email", email);
  }
  if (phoneNumber !== row.phone_number) {
    retireDevices(tenantIds, "phone_number", row.phone_number);
    retireDevices(tenantIds, "phone_number", phoneNumber);
  }
  return { status: "OK" };
}
