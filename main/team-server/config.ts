/**
 * The team server's configuration file (JSON). Every error names the field it is about, e.g.
 * `listen.port: must be a whole number from 0 to 65535`. Relative paths are read from the config
 * file's folder, so a config and its data folder can move together.
 *
 * The rules that are not about one field's shape:
 * - plain HTTP only on a loopback address (anything else holds the Core API keys on a network
 *   without TLS): give `tls`, or listen on 127.0.0.1 behind a reverse proxy that does TLS;
 * - `publicUrl` (the origin browsers use) is https, unless it is itself a loopback address;
 * - with `tls`, `publicUrl` is https;
 * - `profiles` (the Core connections) have ids and names of their own, and `activeProfile` is one
 *   of their ids (default: the first). They are written into the instance's store at every start
 *   (index.ts), so with PostgreSQL, where the console may not change them, every instance agrees.
 */
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "../../shared/data-contract.ts";
import { contractKeys, tenantId } from "../../shared/contract/schemas.ts";
import type { SyslogTarget } from "../services/audit-stream/syslog-sink.ts";
import { DEFAULT_TIMEOUT_MS } from "../services/profiles.ts";
import { isLoopbackHost, isUnspecifiedHost, originOf } from "./hosts.ts";

const filePath = z.string().trim().min(1, "give a file path");

/** A Core connection the server offers, set here rather than in the console (see `profiles`). */
const profile = z.strictObject({
  /** Stable, so that every instance (and every job planned for it) names the same profile. */
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a slug of lower-case letters, digits and hyphens (up to 63), e.g. production"),
  name: z.string().trim().min(1, "a name is required").max(80),
  uris: z.array(z.url({ protocol: /^https?$/, error: "each Core URI must be an http:// or https:// URL" })).min(1, "give at least one Core URI"),
  /** The Core's API key, read from this file at start (kept out of the config). */
  apiKeyFile: filePath.optional(),
  defaultTenant: tenantId.optional(),
  timeoutMs: z.number().int().min(500, "the timeout is at least 500 ms").max(120_000, "the timeout is at most 120 s").optional(),
  /** Data-contract keys that differ from the seeds' defaults. */
  contract: z.strictObject(contractKeys.shape).partial().optional(),
});

const schema = z.strictObject({
  listen: z.strictObject({
    host: z.string().trim().min(1, "give the address to listen on, e.g. 127.0.0.1"),
    port: z.number({ error: "must be a whole number from 0 to 65535" }).int("must be a whole number from 0 to 65535").min(0).max(65535),
  }),
  tls: z.strictObject({ cert: filePath, key: filePath }).optional(),
  publicUrl: z.string().trim().min(1).optional(),
  trustedProxies: z.array(z.string().trim().refine((a) => isIP(a) !== 0, "must be an IP address (a proxy's address as the server sees it)")).optional(),
  dataDir: filePath,
  /** Start the embedded demo core for the Local demo profile (default true). */
  demoCore: z.boolean().optional(),
  operatorDirectory: z
    .discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("embedded") }),
      z.strictObject({
        kind: z.literal("core"),
        uri: z.url({ protocol: /^https?$/, error: "must be the Core's http:// or https:// URI" }),
        apiKeyFile: filePath.optional(),
        tenantId: z.string().trim().min(1).optional(),
      }),
    ], { error: 'must be {"kind": "embedded"} or {"kind": "core", "uri", "apiKeyFile"}' })
    .optional(),
  sessions: z
    .strictObject({
      idleMinutes: z.number().int().min(1).max(24 * 60).optional(),
      absoluteHours: z.number().min(0.25).max(7 * 24).optional(),
    })
    .optional(),

  /** The key file that seals API keys, second-factor secrets and the audit key; every instance on one PostgreSQL must share it. */
  serverKeyFile: filePath.optional(),
  /** Where the server keeps its state: SQLite in the data folder, or PostgreSQL shared by several instances. */
  store: z
    .discriminatedUnion("kind", [
      z.strictObject({ kind: z.literal("sqlite") }),
      z.strictObject({ kind: z.literal("postgres"), url: z.string().trim().min(1).optional(), urlFile: filePath.optional() }),
    ], { error: 'must be {"kind": "sqlite"} or {"kind": "postgres", "url" or "urlFile"}' })
    .optional(),
  /** The Core connections, applied at every start with these ids; with PostgreSQL the only ones. */
  profiles: z.array(profile).min(1, 'give at least one profile, or leave "profiles" out').optional(),
  /** The id of the profile every operator works in (default: the first of `profiles`). */
  activeProfile: z.string().trim().min(1).optional(),
  /** The audit trail streamed as JSON lines, for a SIEM. */
  audit: z
    .strictObject({
      file: filePath.optional(),
      syslog: z
        .strictObject({
          host: z.string().trim().min(1, "give the syslog collector's host"),
          port: z.number().int().min(1).max(65535),
          protocol: z.enum(["udp", "tcp"], { error: 'must be "udp" or "tcp"' }),
          appName: z.string().trim().regex(/^[!-~]{1,48}$/, "must be 1 to 48 printable ASCII characters without spaces (RFC 5424 APP-NAME)").optional(),
        })
        .optional(),
    })
    .optional(),
});

export type ServerConfigFile = z.input<typeof schema>;

/** A profile from the config, its API key file's path made absolute. */
export interface ConfiguredProfile {
  id: string;
  name: string;
  uris: string[];
  apiKeyFile: string | undefined;
  defaultTenant: string;
  timeoutMs: number;
  contract: DataContract;
}

export type DirectoryConfig = { kind: "embedded" } | { kind: "core"; uri: string; apiKeyFile: string | undefined; tenantId: string | undefined };

/** The configuration with defaults filled in and paths made absolute. */
export interface ServerConfig {
  listen: { host: string; port: number };
  /** Absolute paths of the PEM certificate chain and private key; absent: plain HTTP on loopback. */
  tls: { cert: string; key: string } | undefined;
  /** The origin browsers use; absent: the listening address (known once listening, for port 0). */
  publicUrl: string | undefined;
  trustedProxies: string[];
  dataDir: string;
  demoCore: boolean;
  operatorDirectory: DirectoryConfig;
  sessions: { idleMs: number | undefined; absoluteMs: number | undefined };
  /** Absolute path of the server key file (default: secrets.key in the data folder). */
  serverKeyFile: string;
  /** SQLite in the data folder, or PostgreSQL (its connection URL, read from urlFile when given there). */
  store: { kind: "sqlite" } | { kind: "postgres"; url: string };
  audit: { file: string | undefined; syslog: SyslogTarget | undefined };
  /** The config's profiles and the id of the one to make active; undefined when the config gives none. */
  profiles: { list: ConfiguredProfile[]; active: string } | undefined;
}

export class ConfigError extends Error {
  /** "<file>: <field>: <what is wrong>", each part when known. */
  constructor(
    readonly field: string,
    readonly detail: string,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ""}${field ? `${field}: ` : ""}${detail}`);
    this.name = "ConfigError";
  }
}

/** Reads and checks a config file; throws ConfigError naming the file and the field. */
export function loadServerConfig(file: string): ServerConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (err) {
    throw new ConfigError("", `Cannot read the config file ${absolute}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError("", `${absolute} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return parseServerConfig(json, path.dirname(absolute));
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.field, err.detail, absolute);
    throw err;
  }
}

/** Checks a parsed config; relative paths are taken from `baseDir`. */
export function parseServerConfig(json: unknown, baseDir: string): ServerConfig {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fieldError(parsed.error, json);
  const c = parsed.data;
  const at = (p: string) => path.resolve(baseDir, p);
  const tls = c.tls ? { cert: readable(at(c.tls.cert), "tls.cert"), key: readable(at(c.tls.key), "tls.key") } : undefined;

  const host = c.listen.host;
  if (!tls && !isLoopbackHost(host)) {
    throw new ConfigError(
      "listen.host",
      `"${host}" is not a loopback address, and plain HTTP is allowed only on loopback (127.0.0.1, ::1, localhost): the server holds the Cores' API keys and operators' passwords. Give "tls": {"cert", "key"}, or listen on 127.0.0.1 behind a reverse proxy that does TLS (and list it in "trustedProxies").`,
    );
  }
  const publicUrl = c.publicUrl === undefined ? undefined : checkPublicUrl(c.publicUrl, Boolean(tls));
  if (publicUrl === undefined && isUnspecifiedHost(host)) {
    throw new ConfigError("publicUrl", `is required when listening on every interface ("${host}"): give the https:// origin browsers use.`);
  }
  const dir = c.operatorDirectory ?? { kind: "embedded" as const };
  return {
    listen: { host, port: c.listen.port },
    tls,
    publicUrl,
    trustedProxies: c.trustedProxies ?? [],
    dataDir: at(c.dataDir),
    demoCore: c.demoCore ?? true,
    operatorDirectory:
      dir.kind === "embedded"
        ? dir
        : { kind: "core", uri: dir.uri, apiKeyFile: dir.apiKeyFile === undefined ? undefined : readable(at(dir.apiKeyFile), "operatorDirectory.apiKeyFile"), tenantId: dir.tenantId },
    sessions: {
      idleMs: c.sessions?.idleMinutes === undefined ? undefined : c.sessions.idleMinutes * 60_000,
      absoluteMs: c.sessions?.absoluteHours === undefined ? undefined : Math.round(c.sessions.absoluteHours * 3_600_000),
    },
    serverKeyFile: c.serverKeyFile === undefined ? path.join(at(c.dataDir), "secrets.key") : at(c.serverKeyFile),
    store: storeOf(c.store, at),
    audit: { file: c.audit?.file === undefined ? undefined : at(c.audit.file), syslog: c.audit?.syslog },
    profiles: profilesOf(c.profiles, c.activeProfile, at),
  };
}

/** The profiles with defaults filled in; ids and names each once; the active one among them. */
function profilesOf(list: z.output<typeof profile>[] | undefined, active: string | undefined, at: (p: string) => string): ServerConfig["profiles"] {
  if (list === undefined) {
    if (active !== undefined) throw new ConfigError("activeProfile", `"${active}" names a profile, but "profiles" gives none.`);
    return undefined;
  }
  const ids = new Set<string>();
  const names = new Set<string>();
  const profiles = list.map((p, i): ConfiguredProfile => {
    if (ids.has(p.id)) throw new ConfigError(`profiles[${i}].id`, `"${p.id}" is the id of an earlier profile; each profile needs its own.`);
    if (names.has(p.name)) throw new ConfigError(`profiles[${i}].name`, `"${p.name}" is the name of an earlier profile; each profile needs its own.`);
    ids.add(p.id);
    names.add(p.name);
    return {
      id: p.id,
      name: p.name,
      uris: p.uris,
      apiKeyFile: p.apiKeyFile === undefined ? undefined : readable(at(p.apiKeyFile), `profiles[${i}].apiKeyFile`),
      defaultTenant: p.defaultTenant ?? "public",
      timeoutMs: p.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      contract: { ...DEFAULT_DATA_CONTRACT, ...p.contract },
    };
  });
  if (active !== undefined && !ids.has(active)) throw new ConfigError("activeProfile", `"${active}" is not the id of one of "profiles" (${[...ids].join(", ")}).`);
  return { list: profiles, active: active ?? profiles[0]?.id ?? "" };
}

/** The PostgreSQL URL, from the config or (to keep its password out of it) from a file. */
function storeOf(store: z.output<typeof schema>["store"], at: (p: string) => string): ServerConfig["store"] {
  if (!store || store.kind === "sqlite") return { kind: "sqlite" };
  if ((store.url === undefined) === (store.urlFile === undefined)) throw new ConfigError("store", 'give the PostgreSQL connection URL as "url" or, to keep its password out of the config, "urlFile" (one of them).');
  const url = store.url ?? readFileSync(readable(at(store.urlFile ?? ""), "store.urlFile"), "utf8").trim();
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError(store.url !== undefined ? "store.url" : "store.urlFile", "must be a postgres:// connection URL, e.g. postgres://gatehouse@db.example.com/gatehouse.");
  return { kind: "postgres", url };
}

function checkPublicUrl(raw: string, tls: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("publicUrl", `"${raw}" is not a URL: give the origin browsers use, e.g. https://gatehouse.example.com.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError("publicUrl", `must start with https:// (not ${url.protocol}//).`);
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new ConfigError("publicUrl", `must be an origin only (scheme, host and port), e.g. ${url.origin}: Gatehouse is served at the root of its host.`);
  }
  if (url.protocol === "http:" && tls) throw new ConfigError("publicUrl", `must be https:// when the server does TLS itself (${url.origin} was given).`);
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ConfigError("publicUrl", `must be https:// (browsers would send passwords and session cookies in clear to ${url.hostname}); http:// is allowed only for a loopback address.`);
  }
  return originOf(url);
}

function readable(file: string, field: string): string {
  if (!existsSync(file)) throw new ConfigError(field, `there is no file ${file}.`);
  return file;
}

function fieldError(error: z.ZodError, json: unknown): ConfigError {
  const issue = error.issues[0];
  if (!issue) return new ConfigError("", "The configuration is not valid.");
  const base = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return new ConfigError(base ? `${base}.${key}` : key, "is not a setting the team server knows (a typo?).");
  }
  const missing = issue.code === "invalid_type" && valueAt(json, issue.path) === undefined;
  return new ConfigError(base, missing ? "is required." : issue.message);
}

function valueAt(json: unknown, at: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of at) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
