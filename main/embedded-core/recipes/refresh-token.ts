/**
 * Refresh tokens as the Core makes them (session/refreshToken/RefreshToken.java): the session
 * handle, user, parent token hash, anti-CSRF token and tenant are encrypted into the token itself
 * ("<base64(iv + AES-GCM ciphertext)>.<nonce>.V2", the key derived with PBKDF2 from a key kept in
 * the database). So a token stays readable after its session is gone, and the Core's answers
 * follow: "Session missing in db or has expired", or 400 when its tenant was deleted. A token that
 * is not ours fails where Java would, with Java's exception text (java.util.Base64, ByteBuffer,
 * AES/GCM in the reference build's JDK 17).
 */
import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync, randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../storage/db.ts";

export interface RefreshTokenPayload {
  sessionHandle: string;
  userId: string;
  parentRefreshTokenHash1?: string;
  nonce: string;
  antiCsrfToken?: string;
  /** Absent for the public tenant. */
  tenantId?: string;
}

/** A token that cannot be read: the Core's UNAUTHORISED message. */
export class UnreadableRefreshToken extends Error {}

const FORMAT_EXCEPTION = "io.supertokens.session.refreshToken.RefreshToken$InvalidRefreshTokenFormatException";
const KEY_ROW = "refresh_token_key";

/** The app's refresh-token key, created on first use. */
export function refreshTokenKey(db: Db): string {
  const row = db.prepare("SELECT value FROM core_meta WHERE key = ?").get(KEY_ROW) as { value: string } | undefined;
  if (row) return row.value;
  const key = randomBytes(32).toString("hex");
  db.prepare("INSERT INTO core_meta (key, value) VALUES (?, ?)").run(KEY_ROW, key);
  return key;
}

const aesKey = (master: string, iv: Buffer): Buffer => pbkdf2Sync(master, iv, 100, 32, "sha512");

/** RefreshToken.createNewRefreshToken: the token, for a payload without its nonce. */
export function createRefreshToken(master: string, payload: Omit<RefreshTokenPayload, "nonce">): string {
  const nonce = createHash("sha256").update(randomUUID()).digest("hex");
  // Gson leaves out null fields; the tenant is left out for public.
  const full: RefreshTokenPayload = { ...payload, nonce };
  if (full.tenantId === "public") delete full.tenantId;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", aesKey(master, iv), iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(full), "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${Buffer.concat([iv, encrypted]).toString("base64")}.${nonce}.V2`;
}

/** RefreshToken.getInfoFromRefreshToken; throws UnreadableRefreshToken with the Core's message. */
export function readRefreshToken(master: string, token: string): RefreshTokenPayload {
  const parts = javaSplit(token, ".");
  const type = parts[parts.length - 1];
  if (type === undefined) {
    throw new UnreadableRefreshToken(`${FORMAT_EXCEPTION}: java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 0`);
  }
  if (!["v0", "v1", "v2"].includes(type.toLowerCase())) throw new UnreadableRefreshToken(`${FORMAT_EXCEPTION}: version of refresh token not recognised`);
  if (parts.length !== 3) {
    throw new UnreadableRefreshToken(`${FORMAT_EXCEPTION}: Refresh token split with dot yielded an array of length: ${parts.length}`);
  }
  const [encoded = "", nonce = ""] = parts;
  const bytes = javaBase64Decode(encoded);
  if (bytes.length < 12) throw new UnreadableRefreshToken("java.nio.BufferUnderflowException");
  if (bytes.length < 12 + 16) {
    throw new UnreadableRefreshToken("java.security.ProviderException: javax.crypto.ShortBufferException: Output buffer invalid");
  }
  const iv = bytes.subarray(0, 12);
  const decipher = createDecipheriv("aes-256-gcm", aesKey(master, iv), iv);
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  let text: string;
  try {
    text = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    throw new UnreadableRefreshToken("javax.crypto.AEADBadTagException: Tag mismatch!");
  }
  const payload = JSON.parse(text) as Partial<RefreshTokenPayload>;
  if (typeof payload.userId !== "string" || typeof payload.sessionHandle !== "string" || payload.nonce !== nonce) {
    throw new UnreadableRefreshToken("Invalid refresh token");
  }
  return payload as RefreshTokenPayload;
}

/** Java's String.split with a literal separator: trailing empty strings are dropped. */
export function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  // "".split(x) is [""] in Java too.
  return text === "" ? [""] : parts;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** java.util.Base64.getDecoder().decode(String), with its exceptions' texts. */
function javaBase64Decode(text: string): Buffer {
  const fail = (message: string): never => {
    throw new UnreadableRefreshToken(`java.lang.IllegalArgumentException: ${message}`);
  };
  // String.getBytes(ISO_8859_1): characters past U+00FF become "?".
  const src = [...text].map((c) => (c.charCodeAt(0) > 0xff || c.length > 1 ? 0x3f : c.charCodeAt(0)));
  if (src.length === 0) return Buffer.alloc(0);
  if (src.length < 2) fail("Input byte[] should at least have 2 bytes for base64 bytes");
  const out: number[] = [];
  let bits = 0;
  let shiftto = 18;
  let sp = 0;
  while (sp < src.length) {
    const byte = src[sp++] ?? 0;
    const value = ALPHABET.indexOf(String.fromCharCode(byte));
    if (byte === 0x3d) {
      if ((shiftto === 6 && (sp === src.length || src[sp++] !== 0x3d)) || shiftto === 18) fail("Input byte array has wrong 4-byte ending unit");
      break;
    }
    if (value < 0) fail(`Illegal base64 character ${(byte > 0x7f ? byte - 256 : byte).toString(16)}`);
    bits |= value << shiftto;
    shiftto -= 6;
    if (shiftto < 0) {
      out.push((bits >> 16) & 0xff, (bits >> 8) & 0xff, bits & 0xff);
      shiftto = 18;
      bits = 0;
    }
  }
  if (shiftto === 6) out.push((bits >> 16) & 0xff);
  else if (shiftto === 0) out.push((bits >> 16) & 0xff, (bits >> 8) & 0xff);
  else if (shiftto === 12) fail("Last unit does not have enough valid bits");
  if (sp < src.length) fail(`Input byte array has incorrect ending byte at ${sp}`);
  return Buffer.from(out);
}
