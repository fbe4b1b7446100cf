/**
 * Password hashes imported from elsewhere, as Core 11.4.7 accepts and checks them
 * (PasswordHashingUtils, ParsedFirebaseSCryptResponse, PasswordHashing.verifyPasswordWithHash):
 * bcrypt ($2a/$2b/$2x/$2y), argon2 ($argon2id/$argon2i/$argon2d, the parameters in the hash)
 * and Firebase's scrypt ($f_scrypt$…, which needs the app's signer key). The embedded core's own
 * hashes (scrypt$…, see crypto.ts) are verified there; a hash of no known kind never matches.
 */
import { argon2d, argon2i, argon2id } from "@noble/hashes/argon2";
import bcrypt from "bcryptjs";
import { createCipheriv, scryptSync } from "node:crypto";
import { isOwnHash, verifyPassword } from "../crypto.ts";
import { CoreHttpError } from "../http/errors.ts";

export const isBcryptFormat = (hash: string): boolean => /^\$2[abxy]/.test(hash);
export const isArgon2Format = (hash: string): boolean => /^\$argon2[id]/.test(hash);

/** The Core's message when an imported hash does not fit its algorithm (a 400 or a per-user error). */
export class UnsupportedHashFormat extends Error {}

/** CoreConfig.getFirebase_password_hashing_signer_key without a key: the Core's unhandled 500. */
export function firebaseSignerKey(key: string | undefined): string {
  if (key === undefined) throw new CoreHttpError(500, "java.lang.IllegalStateException: 'firebase_password_hashing_signer_key' cannot be null");
  return key;
}

interface FirebaseScrypt {
  hash: string;
  salt: string;
  saltSeparator: string;
  rounds: number;
  memCost: number;
}

/** Java's String.split with a literal separator: trailing empty strings dropped. */
function javaSplit(s: string, separator: string): string[] {
  const parts = s.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

const javaInt = (s: string | undefined): number | undefined =>
  s !== undefined && /^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= 2 ** 31 - 1 ? Number(s) : undefined;

/** ParsedFirebaseSCryptResponse.fromHashString: "$f_scrypt$<hash>$<salt>$m=<n>$r=<n>$s=<separator>" (any order after the salt). */
export function parseFirebaseScrypt(hash: string): FirebaseScrypt | undefined {
  const parts = javaSplit(hash, "$");
  if (parts.length !== 7 || parts[0] !== "" || parts[1] !== "f_scrypt") return undefined;
  let memCost: number | undefined;
  let rounds: number | undefined;
  let saltSeparator: string | undefined;
  for (const part of parts.slice(4)) {
    const after = (prefix: string): string | undefined => javaSplit(part, prefix)[1];
    if (part.startsWith("m=")) {
      memCost = javaInt(after("m="));
      if (memCost === undefined) return undefined;
    } else if (part.startsWith("r=")) {
      rounds = javaInt(after("r="));
      if (rounds === undefined) return undefined;
    } else if (part.startsWith("s=")) {
      saltSeparator = after("s=");
      if (saltSeparator === undefined) return undefined;
    }
  }
  const [, , h, salt] = parts;
  if (h === undefined || salt === undefined || saltSeparator === undefined || memCost === undefined || rounds === undefined) return undefined;
  return { hash: h, salt, saltSeparator, rounds, memCost };
}

/**
 * PasswordHashingUtils.assertSuperTokensSupportInputPasswordHashFormat. Without an algorithm a
 * Firebase hash still needs the signer key, and anything else must look like bcrypt or argon2.
 */
export function assertSupportedHashFormat(hash: string, algorithm: string | undefined, signerKey: string | undefined): void {
  if (algorithm === undefined) {
    if (parseFirebaseScrypt(hash)) {
      firebaseSignerKey(signerKey);
      return;
    }
    if (!isBcryptFormat(hash) && !isArgon2Format(hash)) throw new UnsupportedHashFormat("Password hash is in invalid format");
    return;
  }
  if (algorithm === "ARGON2" && !isArgon2Format(hash)) throw new UnsupportedHashFormat("Password hash is in invalid Argon2 format");
  if (algorithm === "BCRYPT" && !isBcryptFormat(hash)) throw new UnsupportedHashFormat("Password hash is in invalid BCrypt format");
  if (algorithm === "FIREBASE_SCRYPT") {
    firebaseSignerKey(signerKey);
    if (!parseFirebaseScrypt(hash)) throw new UnsupportedHashFormat("Password hash is in invalid Firebase SCrypt format");
  }
}

/** Sign-in's check of a stored hash: the embedded core's own, or an imported one. */
export function verifyStoredPassword(password: string, stored: string, signerKey: string | undefined): boolean {
  return isOwnHash(stored) ? verifyPassword(password, stored) : verifyImportedHash(password, stored, signerKey);
}

/** PasswordHashing.verifyPasswordWithHash for imported hashes; false for a hash it cannot read. */
function verifyImportedHash(password: string, hash: string, signerKey: string | undefined): boolean {
  if (isArgon2Format(hash)) return verifyArgon2(password, hash);
  if (isBcryptFormat(hash)) {
    try {
      // jBCrypt reads only "$2a"; the other identifiers hash the same way.
      return bcrypt.compareSync(password, `$2a${hash.slice(3)}`);
    } catch {
      return false;
    }
  }
  const firebase = parseFirebaseScrypt(hash);
  if (firebase) return verifyFirebaseScrypt(password, firebase, firebaseSignerKey(signerKey));
  return false;
}

const ARGON2 = { argon2id, argon2i, argon2d } as const;
const b64 = (s: string): Buffer => Buffer.from(s, "base64");

/** The encoded form "$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>" (v= optional: version 0x10). */
function verifyArgon2(password: string, encoded: string): boolean {
  const m = /^\$(argon2id|argon2i|argon2d)(?:\$v=(\d+))?\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(encoded);
  if (!m) return false;
  const [, variant, version, mem, time, lanes, saltText = "", hashText = ""] = m;
  const salt = b64(saltText);
  const expected = b64(hashText);
  if (salt.length < 8 || expected.length < 4) return false;
  try {
    const actual = ARGON2[variant as keyof typeof ARGON2](password, salt, {
      m: Number(mem),
      t: Number(time),
      p: Number(lanes),
      version: version !== undefined ? Number(version) : 0x10,
      dkLen: expected.length,
    });
    return Buffer.from(actual).equals(expected);
  } catch {
    return false;
  }
}

/** Firebase's scrypt: scrypt(password, salt + separator) keys AES-256-CTR (zero IV) over the signer key. */
function verifyFirebaseScrypt(password: string, f: FirebaseScrypt, signerKey: string): boolean {
  try {
    const N = 2 ** f.memCost;
    // Java's getBytes(US_ASCII): each character outside ASCII becomes "?".
    const ascii = Buffer.from([...password].map((c) => ((c.codePointAt(0) ?? 0) < 0x80 ? c : "?")).join(""), "ascii");
    const key = scryptSync(ascii, Buffer.concat([b64(f.salt), b64(f.saltSeparator)]), 64, {
      N,
      r: f.rounds,
      p: 1,
      maxmem: 256 * N * f.rounds + 1024 * 1024,
    });
    const cipher = createCipheriv("aes-256-ctr", key.subarray(0, 32), Buffer.alloc(16));
    const signed = Buffer.concat([cipher.update(b64(signerKey)), cipher.final()]);
    return signed.toString("base64") === f.hash;
  } catch {
    return false;
  }
}
