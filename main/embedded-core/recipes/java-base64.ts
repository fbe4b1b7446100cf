/**
 * java.util.Base64's decoders as the Core calls them, with the texts of their
 * IllegalArgumentExceptions, so a token the Core cannot decode fails here with the same words.
 */

/** A Java exception the Core lets through: its toString(). */
export class JavaException extends Error {}

const BASIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Decodes bytes (the string as the Core turns it into bytes: ISO-8859-1 for Decoder.decode(String),
 * UTF-8 where the Core calls getBytes(UTF_8) first).
 */
export function javaBase64Decode(src: Uint8Array, alphabet: "basic" | "url" = "basic"): Buffer {
  const table = alphabet === "basic" ? BASIC : URL_SAFE;
  const fail = (message: string): never => {
    throw new JavaException(`java.lang.IllegalArgumentException: ${message}`);
  };
  if (src.length === 0) return Buffer.alloc(0);
  if (src.length < 2) fail("Input byte[] should at least have 2 bytes for base64 bytes");
  const out: number[] = [];
  let bits = 0;
  let shiftto = 18;
  let sp = 0;
  while (sp < src.length) {
    const byte = src[sp++] ?? 0;
    if (byte === 0x3d) {
      if ((shiftto === 6 && (sp === src.length || src[sp++] !== 0x3d)) || shiftto === 18) fail("Input byte array has wrong 4-byte ending unit");
      break;
    }
    const value = table.indexOf(String.fromCharCode(byte));
    // Integer.toString of a signed byte: 0xE9 is "-17".
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

/** String.getBytes(ISO_8859_1): characters past U+00FF become "?". */
export const latin1Bytes = (text: string): Uint8Array =>
  Uint8Array.from([...text].map((c) => (c.length > 1 || c.charCodeAt(0) > 0xff ? 0x3f : c.charCodeAt(0))));

/** String.getBytes(UTF_8). */
export const utf8Bytes = (text: string): Uint8Array => Buffer.from(text, "utf8");
