/** Hashing and random tokens used across the embedded core's recipes. */
import { createHash, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

export const sha256Hex = (text: string): string => createHash("sha256").update(text).digest("hex");


/**
 * Password hashes. The real Core uses bcrypt or argon2; an emulator only needs a salted,
 * slow-enough hash that is never compared in plain text. scrypt with a modest cost keeps
 * demo-data loading and tests fast.
 */
export const SCRYPT = { N: 4096, r: 8, p: 1 } as const;

export const newScryptSalt = (): Buffer => randomBytes(16);

export const formatScryptHash = (salt: Buffer, hash: Buffer): string =>
  `scrypt$${SCRYPT.N}$${salt.toString("base64")}$${hash.toString("base64")}`;

export const isOwnHash = (stored: string): boolean => stored.startsWith("scrypt$");

export function hashPassword(password: string): string {
  const salt = newScryptSalt();
  return formatScryptHash(salt, scryptSync(password, salt, 32, SCRYPT));
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, saltB64, hashB64] = stored.split("$");
  if (scheme !== "scrypt" || !n || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64");
  const actual = scryptSync(password, Buffer.from(saltB64, "base64"), expected.length, { ...SCRYPT, N: Number(n) });
  return timingSafeEqual(expected, actual);
}
