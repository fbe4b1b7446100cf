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
import { JavaException, javaBase64Decode, latin1Bytes } from "./java-base64.ts";

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
  let bytes: Buffer;
  try {
    bytes = javaBase64Decode(latin1Bytes(encoded));
  } catch (err) {
    if (err instanceof JavaException) throw new UnreadableRefreshToken(err.message);
    throw err;
  }
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
