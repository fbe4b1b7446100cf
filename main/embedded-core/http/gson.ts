/**
 * The Core reads request bodies with Gson's JsonParser, which is lenient: single-quoted and
 * unquoted names and strings, "//", "/* *\/" and "#" comments, ";" between members, "=" or "=>"
 * for ":", empty array slots as null, true/false/null in any letter case, a ")]}'" prefix. Numbers
 * keep their text (Gson's LazilyParsedNumber), which matters for how a field reads them. This
 * parser follows Gson's JsonReader rules so the same bodies are accepted and refused.
 */

export type GsonValue =
  | { kind: "null" }
  | { kind: "boolean"; value: boolean }
  | { kind: "number"; text: string }
  | { kind: "string"; value: string }
  | { kind: "array"; items: GsonValue[] }
  | { kind: "object"; members: Map<string, GsonValue> };

export class GsonSyntaxError extends Error {}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
/** Characters that end an unquoted literal (JsonReader.isLiteral is false for them). */
const NOT_LITERAL = new Set(["/", "\\", ";", "#", "=", "{", "}", "[", "]", ":", ",", " ", "\t", "\f", "\r", "\n"]);
const MAX_DEPTH = 2000;
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const DOUBLE_QUOTED_SPECIAL = /["\\]/g;
const SINGLE_QUOTED_SPECIAL = /['\\]/g;
/** Gson's escapes; a backslash before a line break continues the string with that line break. */
const ESCAPES: Record<string, string> = { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", "\n": "\n", "'": "'", '"': '"', "\\": "\\", "/": "/" };

/** Parses one JSON value the way JsonParser.parse(String) does; undefined for an empty document. */
export function parseGson(source: string): GsonValue | undefined {
  const reader = new Reader(source);
  reader.skipPrefix();
  if (reader.peekChar() === undefined) return undefined;
  const value = reader.value(0, "document");
  // JsonParser restores strict mode before it checks for the end: only whitespace may follow.
  if (value.kind !== "null" && !reader.atEndStrict()) throw new GsonSyntaxError("Did not consume the entire document");
  return value;
}

class Reader {
  private pos = 0;

  constructor(private readonly s: string) {}

  /** Gson's non-execute prefix ")]}'\n", allowed after leading whitespace. */
  skipPrefix(): void {
    this.skipWhitespace();
    if (this.s.startsWith(")]}'\n", this.pos)) this.pos += 5;
  }

  /** True when only whitespace (no comment) is left. */
  atEndStrict(): boolean {
    while (WHITESPACE.has(this.s[this.pos] ?? "")) this.pos++;
    return this.pos >= this.s.length;
  }

  /** The next significant character (after whitespace and comments), not consumed. */
  peekChar(): string | undefined {
    this.skipWhitespace();
    return this.s[this.pos];
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.s[this.pos];
      if (c !== undefined && WHITESPACE.has(c)) this.pos++;
      else if (c === "#" || (c === "/" && this.s[this.pos + 1] === "/")) {
        const end = this.s.indexOf("\n", this.pos);
        this.pos = end === -1 ? this.s.length : end + 1;
      } else if (c === "/" && this.s[this.pos + 1] === "*") {
        const end = this.s.indexOf("*/", this.pos + 2);
        if (end === -1) throw new GsonSyntaxError("Unterminated comment");
        this.pos = end + 2;
      } else return;
    }
  }

  /** A value; in an array a missing one (",", "]" after ",") is null. */
  value(depth: number, container: "document" | "array" | "object"): GsonValue {
    if (depth > MAX_DEPTH) throw new GsonSyntaxError("Nesting too deep");
    const c = this.peekChar();
    if (c === undefined) throw new GsonSyntaxError("End of input");
    if (c === "," || c === ";" || c === "]") {
      if (container === "array") return { kind: "null" };
      throw new GsonSyntaxError("Unexpected value");
    }
    if (c === '"' || c === "'") {
      this.pos++;
      return { kind: "string", value: this.quoted(c) };
    }
    if (c === "[") {
      this.pos++;
      return this.array(depth + 1);
    }
    if (c === "{") {
      this.pos++;
      return this.object(depth + 1);
    }
    const keyword = this.keyword();
    if (keyword) return keyword;
    const number = this.number();
    if (number !== undefined) return { kind: "number", text: number };
    if (NOT_LITERAL.has(c)) throw new GsonSyntaxError("Expected value");
    return { kind: "string", value: this.unquoted() };
  }

  private array(depth: number): GsonValue {
    const items: GsonValue[] = [];
    if (this.peekChar() === "]") {
      this.pos++;
      return { kind: "array", items };
    }
    for (;;) {
      items.push(this.value(depth, "array"));
      const c = this.peekChar();
      this.pos++;
      if (c === "]") return { kind: "array", items };
      if (c !== "," && c !== ";") throw new GsonSyntaxError("Unterminated array");
      // "[1,]": a "]" after a separator is one more null before the end.
      if (this.peekChar() === "]") {
        items.push({ kind: "null" });
        this.pos++;
        return { kind: "array", items };
      }
    }
  }

  private object(depth: number): GsonValue {
    const members = new Map<string, GsonValue>();
    if (this.peekChar() === "}") {
      this.pos++;
      return { kind: "object", members };
    }
    for (;;) {
      const name = this.name();
      const sep = this.peekChar();
      this.pos++;
      if (sep === "=") {
        if (this.s[this.pos] === ">") this.pos++;
      } else if (sep !== ":") throw new GsonSyntaxError("Expected ':'");
      members.set(name, this.value(depth, "object"));
      const c = this.peekChar();
      this.pos++;
      if (c === "}") return { kind: "object", members };
      if (c !== "," && c !== ";") throw new GsonSyntaxError("Unterminated object");
    }
  }

  private name(): string {
    const c = this.peekChar();
    if (c === '"' || c === "'") {
      this.pos++;
      return this.quoted(c);
    }
    if (c === undefined || NOT_LITERAL.has(c)) throw new GsonSyntaxError("Expected name");
    return this.unquoted();
  }

  private quoted(quote: string): string {
    let out = "";
    for (;;) {
      // Copy up to the next quote or backslash in one piece.
      const special = quote === '"' ? DOUBLE_QUOTED_SPECIAL : SINGLE_QUOTED_SPECIAL;
      special.lastIndex = this.pos;
      const m = special.exec(this.s);
      if (!m) throw new GsonSyntaxError("Unterminated string");
      out += this.s.slice(this.pos, m.index);
      this.pos = m.index + 1;
      if (m[0] === quote) return out;
      const e = this.s[this.pos++];
      if (e === undefined) throw new GsonSyntaxError("Unterminated escape sequence");
      if (e === "u") {
        const hex = this.s.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new GsonSyntaxError("Malformed Unicode escape");
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 4;
      } else {
        const escaped = Object.hasOwn(ESCAPES, e) ? ESCAPES[e] : undefined;
        if (escaped === undefined) throw new GsonSyntaxError("Invalid escape sequence");
        out += escaped;
      }
    }
  }

  private unquoted(): string {
    const start = this.pos;
    while (this.pos < this.s.length && !NOT_LITERAL.has(this.s[this.pos] ?? "")) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** true/false/null in any letter case, when not followed by more literal characters. */
  private keyword(): GsonValue | undefined {
    for (const [word, value] of [
      ["true", { kind: "boolean", value: true }],
      ["false", { kind: "boolean", value: false }],
      ["null", { kind: "null" }],
    ] as const) {
      if (this.s.slice(this.pos, this.pos + word.length).toLowerCase() !== word) continue;
      const next = this.s[this.pos + word.length];
      if (next !== undefined && !NOT_LITERAL.has(next)) return undefined;
      this.pos += word.length;
      return value;
    }
    return undefined;
  }

  /** A JSON number (no leading zeros) that ends at a delimiter; otherwise it is an unquoted string. */
  private number(): string | undefined {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (!m) return undefined;
    const next = this.s[this.pos + m[0].length];
    if (next !== undefined && !NOT_LITERAL.has(next)) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
}

/** Gson's JsonElement.toString() contains a double quote: true for strings and for containers holding one. */
export function hasQuote(v: GsonValue): boolean {
  switch (v.kind) {
    case "string":
      return true;
    case "array":
      return v.items.some(hasQuote);
    case "object":
      return v.members.size > 0;
    default:
      return false;
  }
}

/** The plain JavaScript value (numbers lose their text: 1.0 becomes 1). */
export function toJs(v: GsonValue): unknown {
  switch (v.kind) {
    case "null":
      return null;
    case "boolean":
      return v.value;
    case "number":
      return Number(v.text);
    case "string":
      return v.value;
    case "array":
      return v.items.map(toJs);
    case "object": {
      const out: Record<string, unknown> = {};
      // defineProperty, so a "__proto__" member is data, as JSON.parse makes it.
      for (const [k, item] of v.members) Object.defineProperty(out, k, { value: toJs(item), enumerable: true, writable: true, configurable: true });
      return out;
    }
  }
}

/** JsonElement.toString(): compact JSON, numbers as written, Gson's string escapes. */
export function gsonToString(v: GsonValue): string {
  switch (v.kind) {
    case "null":
      return "null";
    case "boolean":
      return String(v.value);
    case "number":
      return v.text;
    case "string":
      return quoteGson(v.value);
    case "array":
      return `[${v.items.map(gsonToString).join(",")}]`;
    case "object":
      return `{${[...v.members].map(([k, x]) => `${quoteGson(k)}:${gsonToString(x)}`).join(",")}}`;
  }
}

function quoteGson(s: string): string {
  const short: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\t": "\\t", "\b": "\\b", "\n": "\\n", "\r": "\\r", "\f": "\\f" };
  let out = "";
  for (const c of s) {
    const code = c.charCodeAt(0);
    out += short[c] ?? (code < 0x20 || code === 0x2028 || code === 0x2029 ? `\\u${code.toString(16).padStart(4, "0")}` : c);
  }
  return `"${out}"`;
}

/** A Java exception raised by a Gson accessor: the Core's unhandled 500 text. */
export class GsonAccessError extends Error {}

const unsupported = (v: GsonValue): GsonAccessError =>
  new GsonAccessError(`java.lang.UnsupportedOperationException: ${v.kind === "null" ? "JsonNull" : v.kind === "object" ? "JsonObject" : "JsonArray"}`);

/** JsonElement.getAsString(). */
export function gsonAsString(v: GsonValue): string {
  switch (v.kind) {
    case "string":
      return v.value;
    case "number":
      return v.text;
    case "boolean":
      return String(v.value);
    case "array": {
      const [only] = v.items;
      if (v.items.length !== 1 || !only) throw new GsonAccessError(`java.lang.IllegalStateException: Array must have size 1, but has size ${v.items.length}`);
      return gsonAsString(only);
    }
    default:
      throw unsupported(v);
  }
}

/** JsonElement.getAsLong(), as a number (Java's Long.parseLong for strings; a number's integer part, wrapped). */
export function gsonAsLong(v: GsonValue): number {
  switch (v.kind) {
    case "number": {
      const n = /^-?[0-9]+$/.test(v.text) ? BigInt(v.text) : BigInt(Math.trunc(Number(v.text)));
      return Number(BigInt.asIntN(64, n));
    }
    case "string":
    case "boolean": {
      const text = v.kind === "string" ? v.value : String(v.value);
      if (!/^[+-]?[0-9]+$/.test(text) || BigInt(text) !== BigInt.asIntN(64, BigInt(text))) {
        throw new GsonAccessError(`java.lang.NumberFormatException: For input string: "${text}"`);
      }
      return Number(text);
    }
    case "array": {
      const [only] = v.items;
      if (v.items.length !== 1 || !only) throw new GsonAccessError(`java.lang.IllegalStateException: Array must have size 1, but has size ${v.items.length}`);
      return gsonAsLong(only);
    }
    default:
      throw unsupported(v);
  }
}
