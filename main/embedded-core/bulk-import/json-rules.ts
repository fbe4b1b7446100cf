/**
 * How Core 11.4.7 reads a bulk-import user's fields (JsonValidatorUtils): a field of the wrong
 * JSON type, or a blank string, is an error "<key> should be of type <type><suffix>"; a missing
 * required one is "<key> is required<suffix>". Numbers must be JSON numbers (a numeric string is
 * refused) and are read by their integer part; an explicit null is a wrong type, not an absence.
 * Errors are collected, not thrown, so one user gets every message at once.
 */
import type { GsonValue } from "../http/gson.ts";

export type FieldType = "string" | "integer" | "long" | "boolean" | "object" | "array of string" | "array of object";

/** Java's String.isBlank: empty, or only Character.isWhitespace code points. */
export function isJavaBlank(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const whitespace =
      (c >= 0x09 && c <= 0x0d) ||
      (c >= 0x1c && c <= 0x20) ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x2006) ||
      (c >= 0x2008 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x205f ||
      c === 0x3000;
    if (!whitespace) return false;
  }
  return true;
}

const isText = (v: GsonValue | undefined): v is { kind: "string"; value: string } => v?.kind === "string" && !isJavaBlank(v.value);

function hasType(v: GsonValue, type: FieldType): boolean {
  switch (type) {
    case "string":
      return isText(v);
    case "integer":
    case "long":
      return v.kind === "number";
    case "boolean":
      return v.kind === "boolean";
    case "object":
      return v.kind === "object";
    case "array of string":
      return v.kind === "array" && v.items.every(isText);
    case "array of object":
      return v.kind === "array" && v.items.every((i) => i.kind === "object");
  }
}

/** A JSON number's integer part as Java's Number.longValue()/intValue() would give it. */
function integerPart(text: string, bits: 32 | 64): number {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return 0;
  const [, sign = "", whole = "", fraction = "", exp = "0"] = m;
  const digits = whole + fraction;
  const point = whole.length + Number(exp);
  let n = 0n;
  if (point > 0 && point - digits.length < 64) {
    n = point >= digits.length ? BigInt(digits) * 10n ** BigInt(point - digits.length) : BigInt(digits.slice(0, point));
  }
  return Number(BigInt.asIntN(bits, sign === "-" ? -n : n));
}

/** One object's fields, read with the Core's rules; errors go to the shared list. */
export class FieldReader {
  constructor(
    private readonly members: Map<string, GsonValue>,
    private readonly errors: string[],
    private readonly suffix: string,
  ) {}

  private read(key: string, type: FieldType, required: boolean): GsonValue | undefined {
    const v = this.members.get(key);
    if (v === undefined) {
      if (required) this.errors.push(`${key} is required${this.suffix}`);
      return undefined;
    }
    if (!hasType(v, type)) {
      this.errors.push(`${key} should be of type ${type === "long" ? "integer" : type}${this.suffix}`);
      return undefined;
    }
    return v;
  }

  string(key: string, required = false): string | undefined {
    const v = this.read(key, "string", required);
    return v?.kind === "string" ? v.value : undefined;
  }

  long(key: string, required = false): number | undefined {
    const v = this.read(key, "long", required);
    return v?.kind === "number" ? integerPart(v.text, 64) : undefined;
  }

  boolean(key: string, required = false): boolean | undefined {
    const v = this.read(key, "boolean", required);
    return v?.kind === "boolean" ? v.value : undefined;
  }

  object(key: string, required = false): Map<string, GsonValue> | undefined {
    const v = this.read(key, "object", required);
    return v?.kind === "object" ? v.members : undefined;
  }

  strings(key: string, required = false): string[] | undefined {
    const v = this.read(key, "array of string", required);
    return v?.kind === "array" ? v.items.map((i) => (i.kind === "string" ? i.value : "")) : undefined;
  }

  objects(key: string, required = false): Map<string, GsonValue>[] | undefined {
    const v = this.read(key, "array of object", required);
    return v?.kind === "array" ? v.items.map((i) => (i.kind === "object" ? i.members : new Map())) : undefined;
  }

  /** validateJsonFieldType alone: whether the field is there with the right type (no error recorded). */
  is(key: string, type: FieldType): boolean {
    const v = this.members.get(key);
    return v !== undefined && hasType(v, type);
  }
}
