/**
 * Reading request input the way the Core's InputParser does: the same rules for what counts as
 * present, and the same error texts, so a malformed request fails exactly as on a real Core.
 */
import JSON5 from "json5";
import { badRequest, invalidField, missingQueryParam } from "./errors.ts";

export type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The Core's (Gson's) reading of a string field: a JSON string, or a one-element array holding
 * one, which Gson unwraps. Numbers, booleans, objects and null are not strings.
 */
function asString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === "string") return v[0];
  return undefined;
}

/**
 * The Core's reading of a boolean field: true/false, or a one-element array of one; a number is
 * read with Java's Boolean.parseBoolean and so is always false. Strings and null are refused.
 */
function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return false;
  if (Array.isArray(v) && v.length === 1) return asBoolean(v[0]);
  return undefined;
}

/**
 * A JSON request body, read field by field. It is parsed when a handler first reads it, as in
 * the Core, so endpoints that ignore their body (the hello page) never reject one.
 */
export class Body {
  private parsed: JsonObject | undefined;

  constructor(private readonly source: string | JsonObject) {}

  static parse(text: string): Body {
    return new Body(text);
  }

  private get json(): JsonObject {
    if (this.parsed === undefined) this.parsed = typeof this.source === "string" ? parseObject(this.source) : this.source;
    return this.parsed;
  }

  has(name: string): boolean {
    return name in this.json;
  }

  /** The raw value, for fields whose null and absence mean different things. */
  raw(name: string): unknown {
    return this.json[name];
  }

  string(name: string): string {
    const v = asString(this.json[name]);
    if (v === undefined) throw invalidField(name);
    return v;
  }

  /** Missing or null gives undefined; any other non-string is an error. */
  optString(name: string): string | undefined {
    const v = this.json[name];
    if (v === undefined || v === null) return undefined;
    return this.string(name);
  }

  boolean(name: string): boolean {
    const v = asBoolean(this.json[name]);
    if (v === undefined) throw invalidField(name);
    return v;
  }

  optBoolean(name: string, fallback: boolean): boolean {
    const v = this.json[name];
    if (v === undefined || v === null) return fallback;
    return this.boolean(name);
  }

  /** A whole number (the Core's long fields): a JSON number, truncated, or a numeric string. */
  optNumber(name: string): number | undefined {
    const v = this.json[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
    if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
    throw invalidField(name);
  }

  object(name: string): JsonObject {
    const v = this.json[name];
    if (!isObject(v)) throw invalidField(name);
    return v;
  }

  optObject(name: string): JsonObject | undefined {
    const v = this.json[name];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) throw invalidField(name);
    return v;
  }

  stringArray(name: string): string[] {
    const v = this.json[name];
    if (!Array.isArray(v)) throw invalidField(name);
    for (const item of v) if (typeof item !== "string") throw invalidField(name);
    return v as string[];
  }

  optStringArray(name: string): string[] | undefined {
    const v = this.json[name];
    if (v === undefined || v === null) return undefined;
    return this.stringArray(name);
  }
}

/** Strict JSON first; then leniently (single quotes, bare names, comments), as Gson's parser allows. */
function parseObject(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      value = JSON5.parse(text);
    } catch {
      throw badRequest("Invalid Json Input");
    }
  }
  if (!isObject(value)) throw badRequest("Invalid Json Input");
  return value;
}

/** The query string of a GET request. */
export class Query {
  constructor(private readonly params: URLSearchParams) {}

  string(name: string): string {
    const v = this.params.get(name);
    if (v === null) throw missingQueryParam(name);
    return v;
  }

  optString(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** Parsed like Java's Integer.parseInt: optional sign and digits only, within 32 bits. */
  optInteger(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null) return undefined;
    const n = Number(v);
    if (!/^[+-]?\d+$/.test(v) || n > 2 ** 31 - 1 || n < -(2 ** 31)) throw badRequest(`Field name '${name}' must be an int in the GET request`);
    return n;
  }
}
