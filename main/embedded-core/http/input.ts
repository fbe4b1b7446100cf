/**
 * Reading request input the way the Core's InputParser (webserver/InputParser.java) does, field
 * type by field type, with its error texts, so a malformed request fails exactly as on a real
 * Core. The rules, all from Gson's JsonElement accessors under InputParser's checks:
 * - an explicit null is a value, not an absence: every field type refuses it ("Field name 'x' is
 *   invalid in JSON input"), optional or not, except stringOrNull();
 * - string: a JSON string, or a one-element array of one (nested arrays too); the field's JSON
 *   must contain a double quote, so numbers and booleans are refused;
 * - boolean: true/false (any letter case), a number (read as Boolean.parseBoolean, so false), or a
 *   one-element array of one; a string is refused;
 * - long/int: a number (its integer part, wrapping like Java's BigDecimal.longValue), a string
 *   Java's Long.parseLong reads ("+60" yes, " 60" no), or a one-element array of one;
 * - object/array: exactly that JSON type.
 * The body is decoded with the charset of its Content-Type (ISO-8859-1 when none is named, as
 * Tomcat does) and parsed on first use, so endpoints that ignore their body never reject one.
 */
import { CoreHttpError, badRequest, invalidField, missingQueryParam } from "./errors.ts";
import { GsonSyntaxError, hasQuote, parseGson, toJs, type GsonValue } from "./gson.ts";
import { parseQueryString } from "./tomcat.ts";

export type JsonObject = Record<string, unknown>;

/** A JSON request body, read field by field. */
export class Body {
  private parsed: Map<string, GsonValue> | undefined;

  /** `source` is the raw body with its Content-Type header, or already-parsed members. */
  constructor(private readonly source: { bytes: Buffer; contentType: string | undefined } | JsonObject) {}

  static parse(text: string, contentType = "application/json; charset=utf-8"): Body {
    return new Body({ bytes: Buffer.from(text, "utf8"), contentType });
  }

  static fromBytes(bytes: Buffer, contentType: string | undefined): Body {
    return new Body({ bytes, contentType });
  }

  /** InputParser.parseJsonObjectOrThrowError: the body must be a JSON object. */
  read(): Map<string, GsonValue> {
    if (this.parsed === undefined) {
      const source = this.source;
      if (isRawSource(source)) this.parsed = parseObject(decodeBody(source.bytes, source.contentType));
      else this.parsed = new Map(Object.entries(source).map(([k, v]) => [k, fromJs(v)]));
    }
    return this.parsed;
  }

  private get(name: string): GsonValue | undefined {
    return this.read().get(name);
  }

  /** Gson's JsonObject.has: true for an explicit null too. */
  has(name: string): boolean {
    return this.read().has(name);
  }

  /** The field as a plain value (null for an explicit null), for fields whose null and absence differ. */
  raw(name: string): unknown {
    const v = this.get(name);
    return v === undefined ? undefined : toJs(v);
  }

  /** parseStringOrThrowError(nullable = false). */
  string(name: string): string {
    const v = this.optString(name);
    if (v === undefined) throw invalidField(name);
    return v;
  }

  /** parseStringOrThrowError(nullable = true): absent gives undefined; null is refused. */
  optString(name: string): string | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : stringOf(v, name);
  }

  /** parseStringOrJSONNullOrThrowError: null gives null, absent undefined (or an error when required). */
  stringOrNull(name: string, required = false): string | null | undefined {
    const v = this.get(name);
    if (v?.kind === "null") return null;
    return required ? this.string(name) : this.optString(name);
  }

  /** parseBooleanOrThrowError(nullable = false). */
  boolean(name: string): boolean {
    const v = this.get(name);
    if (v === undefined) throw invalidField(name);
    return booleanOf(v, name);
  }

  /** parseBooleanOrThrowError(nullable = true), with the endpoint's default for an absent field. */
  optBoolean(name: string, fallback: boolean): boolean {
    const v = this.get(name);
    return v === undefined ? fallback : booleanOf(v, name);
  }

  /** parseBooleanOrThrowError(nullable = true), keeping absence visible. */
  maybeBoolean(name: string): boolean | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : booleanOf(v, name);
  }

  /** parseLongOrThrowError(nullable = false). */
  long(name: string): number {
    const v = this.optNumber(name);
    if (v === undefined) throw invalidField(name);
    return v;
  }

  /** parseLongOrThrowError(nullable = true). */
  optNumber(name: string): number | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : Number(integerOf(v, name, 64));
  }

  /** parseIntOrThrowError(nullable = true). */
  optInt(name: string): number | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : Number(integerOf(v, name, 32));
  }

  /** parseJsonObjectOrThrowError(nullable = false). */
  object(name: string): JsonObject {
    const v = this.optObject(name);
    if (v === undefined) throw invalidField(name);
    return v;
  }

  /** parseJsonObjectOrThrowError(nullable = true). */
  optObject(name: string): JsonObject | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (v.kind !== "object") throw invalidField(name);
    return toJs(v) as JsonObject;
  }

  /** parseArrayOrThrowError + parseStringFromElementOrThrowError for each element. */
  stringArray(name: string): string[] {
    const v = this.optStringArray(name);
    if (v === undefined) throw invalidField(name);
    return v;
  }

  optStringArray(name: string): string[] | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (v.kind !== "array") throw invalidField(name);
    return v.items.map((item) => stringOf(item, name));
  }
}

const isRawSource = (s: unknown): s is { bytes: Buffer; contentType: string | undefined } =>
  typeof s === "object" && s !== null && Buffer.isBuffer((s as { bytes?: unknown }).bytes);

/** A string field (or array element, parseStringFromElementOrThrowError): its JSON has a double quote and Gson's getAsString reads it. */
export function stringOf(v: GsonValue, name: string): string {
  if (!hasQuote(v)) throw invalidField(name);
  let e = v;
  while (e.kind === "array" && e.items.length === 1 && e.items[0]) e = e.items[0];
  if (e.kind === "string") return e.value;
  throw invalidField(name);
}

/** A boolean field: no double quote in its JSON, and Gson's getAsBoolean reads it. */
function booleanOf(v: GsonValue, name: string): boolean {
  if (hasQuote(v)) throw invalidField(name);
  let e = v;
  while (e.kind === "array" && e.items.length === 1 && e.items[0]) e = e.items[0];
  if (e.kind === "boolean") return e.value;
  // Boolean.parseBoolean of a number's text is false.
  if (e.kind === "number") return false;
  throw invalidField(name);
}

const JAVA_INTEGER = /^[+-]?[0-9]+$/;

/** Gson's getAsLong / getAsInt, with Java's parsing and BigDecimal's wrapping. */
function integerOf(v: GsonValue, name: string, bits: 32 | 64): bigint {
  let e = v;
  while (e.kind === "array" && e.items.length === 1 && e.items[0]) e = e.items[0];
  const fits = (n: bigint): boolean => n === BigInt.asIntN(bits, n);
  if (e.kind === "string") {
    // Long.parseLong / Integer.parseInt: sign and digits only, within range.
    if (!JAVA_INTEGER.test(e.value)) throw invalidField(name);
    const n = BigInt(e.value);
    if (!fits(n)) throw invalidField(name);
    return n;
  }
  if (e.kind !== "number") throw invalidField(name);
  if (JAVA_INTEGER.test(e.text)) {
    const n = BigInt(e.text);
    if (fits(n)) return n;
    // getAsInt falls back to (int) Long.parseLong, then BigDecimal.intValue: both keep the low bits.
  }
  return BigInt.asIntN(bits, truncatedInteger(e.text, name));
}

/** The integer part of a JSON number, exactly (BigDecimal.toBigInteger). */
function truncatedInteger(text: string, name: string): bigint {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m) throw invalidField(name);
  const [, sign, whole = "", fraction = "", expText = "0"] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(expText);
  let integer: bigint;
  if (point <= 0) integer = 0n;
  // Times 10^64 or more, the low 64 bits (all a caller keeps) are zero.
  else if (point - digits.length >= 64) integer = 0n;
  else if (point >= digits.length) integer = BigInt(digits) * 10n ** BigInt(point - digits.length);
  else integer = BigInt(digits.slice(0, point));
  return sign === "-" ? -integer : integer;
}

/** A JavaScript value as Gson would have parsed it (for bodies built in code). */
function fromJs(v: unknown): GsonValue {
  if (v === null || v === undefined) return { kind: "null" };
  if (typeof v === "boolean") return { kind: "boolean", value: v };
  if (typeof v === "number") return { kind: "number", text: String(v) };
  if (typeof v === "string") return { kind: "string", value: v };
  if (Array.isArray(v)) return { kind: "array", items: v.map(fromJs) };
  return { kind: "object", members: new Map(Object.entries(v as JsonObject).map(([k, x]) => [k, fromJs(x)])) };
}

/**
 * Tomcat's request.getReader(): the Content-Type's charset, ISO-8859-1 when none is named;
 * undecodable bytes and unknown charsets are the Core's unhandled 500s. Lines are then read
 * with readLine and joined with "\n", as InputParser does.
 */
function decodeBody(bytes: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  let text: string;
  if (charset === undefined || LATIN1.has(charset)) text = bytes.toString("latin1");
  else {
    const label = JAVA_CHARSETS[charset] ?? charset;
    let decoder: InstanceType<typeof TextDecoder>;
    try {
      decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
    } catch {
      throw new CoreHttpError(500, `java.io.UnsupportedEncodingException: The character encoding [${charset}] is not supported`);
    }
    if (label === "us-ascii" && bytes.some((b) => b > 0x7f)) throw malformed();
    try {
      text = decoder.decode(bytes);
    } catch {
      throw malformed();
    }
  }
  if (text === "") return "";
  return `${text.split(/\r\n|\r|\n/).slice(0, text.endsWith("\n") || text.endsWith("\r") ? -1 : undefined).join("\n")}\n`;
}

const malformed = (): CoreHttpError => new CoreHttpError(500, "java.nio.charset.MalformedInputException: Input length = 1");
const LATIN1 = new Set(["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "iso8859_1", "cp819", "ibm819"]);
/** Java charset names whose WHATWG label differs. */
const JAVA_CHARSETS: Record<string, string> = {
  "us-ascii": "us-ascii",
  ascii: "us-ascii",
  utf8: "utf-8",
  cp1252: "windows-1252",
  "utf-16": "utf-16be",
};

/** Gson's JsonParser on the decoded text: anything but an object is "Invalid Json Input". */
function parseObject(text: string): Map<string, GsonValue> {
  let value: GsonValue | undefined;
  try {
    value = parseGson(text);
  } catch (err) {
    if (err instanceof GsonSyntaxError) throw badRequest("Invalid Json Input");
    throw err;
  }
  if (value?.kind !== "object") throw badRequest("Invalid Json Input");
  return value.members;
}

/** The query string of a GET request (request.getParameter). */
export class Query {
  private readonly params: Map<string, string>;

  constructor(queryString: string) {
    this.params = parseQueryString(queryString);
  }

  /** getQueryParamOrThrowError(nullable = false). */
  string(name: string): string {
    const v = this.params.get(name);
    if (v === undefined) throw missingQueryParam(name);
    return v;
  }

  optString(name: string): string | undefined {
    return this.params.get(name);
  }

  /** getIntQueryParamOrThrowError: Java's Integer.parseInt (sign and digits only, within 32 bits). */
  optInteger(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!JAVA_INTEGER.test(v) || n > 2 ** 31 - 1 || n < -(2 ** 31)) throw badRequest(`Field name '${name}' must be an int in the GET request`);
    return n;
  }

  /** getLongQueryParamOrThrowError: Java's Long.parseLong. */
  optLong(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === undefined) return undefined;
    if (!JAVA_INTEGER.test(v) || BigInt(v) !== BigInt.asIntN(64, BigInt(v))) {
      throw badRequest(`Field name '${name}' must be a long in the GET request`);
    }
    return Number(v);
  }
}
