/**
 * Reading request input the way the Core's InputParser does: the same rules for what counts as
 * present, and the same error texts, so a malformed request fails exactly as on a real Core.
 */
import { badRequest, invalidField, missingQueryParam } from "./errors.ts";

export type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** A JSON request body, read field by field. */
export class Body {
  constructor(private readonly json: JsonObject) {}

  static parse(text: string): Body {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest("Invalid Json Input");
    }
    if (!isObject(value)) throw badRequest("Invalid Json Input");
    return new Body(value);
  }

  has(name: string): boolean {
    return name in this.json;
  }

  /** The raw value, for fields whose null and absence mean different things. */
  raw(name: string): unknown {
    return this.json[name];
  }

  string(name: string): string {
    const v = this.json[name];
    if (typeof v !== "string") throw invalidField(name);
    return v;
  }

  /** Missing or null gives undefined; any other non-string is an error. */
  optString(name: string): string | undefined {
    const v = this.json[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw invalidField(name);
    return v;
  }

  boolean(name: string): boolean {
    const v = this.json[name];
    if (typeof v !== "boolean") throw invalidField(name);
    return v;
  }

  optBoolean(name: string, fallback: boolean): boolean {
    const v = this.json[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "boolean") throw invalidField(name);
    return v;
  }

  optNumber(name: string): number | undefined {
    const v = this.json[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) throw invalidField(name);
    return v;
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

  optInteger(name: string): number | undefined {
    const v = this.params.get(name);
    if (v === null) return undefined;
    const n = Number(v.trim());
    if (!Number.isInteger(n)) throw badRequest(`Field name '${name}' must be an int in the GET request`);
    return n;
  }
}
