/**
 * What an account made at the end of the migration carries, on either path: the roster's data,
 * the migration record ("bulk", as the backend kit writes its own: backend-kit/data-contract.ts),
 * and the temporary-password flag when the user gets a random password. Plus the passwords:
 * a random one nobody knows (SDK path), or a random bcrypt-format hash nobody knows a password for
 * (bulk import: the Core stores it as is, spends no hashing on it, and no plain-text password is
 * ever staged on the Core). Never logged, stored or shown.
 */
import { randomBytes } from "node:crypto";
import type { JsonObject } from "../../../shared/contract/schemas.ts";
import type { DataContract, MigrationRecord } from "../../../shared/data-contract.ts";
import type { RosterEntry } from "../roster/types.ts";

/** The metadata of a new account: the roster's data, then the kit's own keys (which win). */
export function accountMetadata(entry: RosterEntry, contract: DataContract, provider: string, migratedAt: number, existingRecord?: unknown): JsonObject {
  const record: MigrationRecord = { legacyId: entry.legacyId, provider, via: "bulk", migratedAt };
  const keep = typeof existingRecord === "object" && existingRecord !== null && !Array.isArray(existingRecord);
  return {
    ...(entry.data ?? {}),
    [contract.migrationKey]: keep ? (existingRecord as JsonObject) : { ...record },
    ...(entry.passwordHash ? {} : { [contract.temporaryPasswordKey]: true }),
  };
}

/** A random password nobody knows: 24 random bytes, with a letter and a digit for any password policy. */
export const temporaryPassword = (): string => `${randomBytes(24).toString("base64url")}a1`;

const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** bcrypt's own base64 (no padding), as in a real hash. */
function bcryptBase64(bytes: Buffer, length: number): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 6 && out.length < length) {
      bits -= 6;
      out += BCRYPT_ALPHABET[(value >> bits) & 63];
    }
  }
  if (out.length < length && bits > 0) out += BCRYPT_ALPHABET[(value << (6 - bits)) & 63];
  return out.slice(0, length);
}

/**
 * A bcrypt hash of no known password: a random 16-byte salt and a random 23-byte digest in
 * bcrypt's format ($2b$10$ + 22 + 31 characters). Finding a password for it is as hard as for any
 * bcrypt hash, so it stands for a random temporary password without anyone computing one.
 */
export function unknownPasswordHash(): string {
  return `$2b$10$${bcryptBase64(randomBytes(16), 22)}${bcryptBase64(randomBytes(23), 31)}`;
}
