/**
 * The team server's operator commands, to be wired as `npm run server -- add-operator …`:
 *
 *   add-operator <email> --role admin|support|auditor   adds an operator, prints a one-time link
 *   password-link <email>                                a new set-password link (locked out)
 *
 * Options: --data-dir <dir> (default $GATEHOUSE_DATA_DIR), --url <the server's public URL>
 * (default $GATEHOUSE_PUBLIC_URL), and for a directory on a real Core instead of the embedded one
 * --directory-core <uri> [--directory-api-key-file <file>] [--directory-tenant <id>]. The API key
 * is read from a file so it never shows in `ps` or the shell history.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { FileKeySecretBox } from "../secrets/file-key-box.ts";
import { AuditLog } from "../services/audit-log.ts";
import { openStore } from "../store/database.ts";
import { auditLogSink } from "./audit.ts";
import { TeamError } from "./errors.ts";
import { createTeam } from "./index.ts";
import { readEmail, readRole } from "./input.ts";
import { openDirectoryCore } from "./operator-core.ts";
import { addOperator, passwordLink } from "./operators/add-operator.ts";
import type pg from "pg";
import { PostgresAuditLog } from "../services/audit/postgres-audit-log.ts";
import { openPostgres } from "../store/postgres/pool.ts";
import { PostgresTeamStore } from "./store/postgres-team-store.ts";
import { SqliteTeamStore } from "./store/sqlite-team-store.ts";

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Who runs the command, for the audit ("cli:<name>"). */
  user: string;
}

const USAGE = `Usage:
  add-operator <email> --role admin|support|auditor [options]
  password-link <email> [options]
Options:
  --data-dir <dir>                 the server's data folder (default $GATEHOUSE_DATA_DIR)
  --url <url>                      the server's public URL, for the link (default $GATEHOUSE_PUBLIC_URL)
  --directory-core <uri>           a SuperTokens Core for the operator directory (default: the embedded one)
  --directory-api-key-file <file>  that Core's API key, read from a file
  --directory-tenant <id>          the tenant operators live in (default public)`;

/** Runs one command; answers the exit code (0 done, 1 refused or failed, 2 wrong usage). */
/** Where a team server keeps what the commands write, when not the data folder's defaults (from its config). */
export interface CliStores {
  /** The config's serverKeyFile (default: secrets.key in the data folder). */
  serverKeyFile?: string;
  /** The config's PostgreSQL: the link and its audit entry go where every instance reads them. */
  postgresUrl?: string;
}

export async function runTeamCli(argv: string[], io: CliIo, stores: CliStores = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        role: { type: "string" },
        "data-dir": { type: "string" },
        url: { type: "string" },
        "directory-core": { type: "string" },
        "directory-api-key-file": { type: "string" },
        "directory-tenant": { type: "string" },
      },
    });
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, email, ...extra] = positionals;
  const dataDir = values["data-dir"] ?? io.env.GATEHOUSE_DATA_DIR;
  const url = values.url ?? io.env.GATEHOUSE_PUBLIC_URL;
  const usage = (why: string) => (io.err(`${why}\n${USAGE}`), 2);
  if (command !== "add-operator" && command !== "password-link") return usage(command ? `Unknown command "${command}".` : "Give a command.");
  if (!email || extra.length > 0) return usage("Give exactly one email address.");
  if (command === "add-operator" && !values.role) return usage("Give the operator's role with --role admin, support or auditor.");
  if (!dataDir) return usage("Give the server's data folder with --data-dir (or set GATEHOUSE_DATA_DIR).");
  if (!url || !/^https?:\/\//.test(url)) return usage("Give the server's public URL with --url https://… (or set GATEHOUSE_PUBLIC_URL).");
  try {
    // Wrong input is named before anything is opened or started.
    readEmail(email);
    if (command === "add-operator") readRole(values.role);
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    return 1;
  }

  // The first admin usually comes before the server ever ran: the data folder may not exist yet.
  mkdirSync(resolve(dataDir), { recursive: true, mode: 0o700 });
  const db = openStore(join(resolve(dataDir), "gatehouse.sqlite"));
  const secrets = new FileKeySecretBox(stores.serverKeyFile ?? join(resolve(dataDir), "secrets.key"));
  let pool: pg.Pool | undefined;
  let core: Awaited<ReturnType<typeof openDirectoryCore>> | undefined;
  try {
    pool = stores.postgresUrl ? await openPostgres(stores.postgresUrl) : undefined;
    const audit = auditLogSink(pool ? await PostgresAuditLog.open(pool, secrets, Date.now) : new AuditLog(db, secrets, Date.now));
    const apiKeyFile = values["directory-api-key-file"];
    core = await openDirectoryCore({
      dataDir: resolve(dataDir),
      db,
      secrets,
      config: {
        ...(values["directory-core"] ? { uris: [values["directory-core"]] } : {}),
        ...(apiKeyFile ? { apiKey: readFileSync(apiKeyFile, "utf8").trim() } : {}),
        ...(values["directory-tenant"] ? { tenantId: values["directory-tenant"] } : {}),
      },
    });
    const team = await createTeam({ core: core.core, tenantId: core.tenantId, store: pool ? new PostgresTeamStore(pool) : new SqliteTeamStore(db), secrets, audit, publicUrl: url, log: io.err });
    const deps = { directory: team.directory, links: team.links, audit, now: Date.now };
    const by = `cli:${io.user}`;
    if (command === "add-operator") {
      const created = await addOperator(deps, { email, role: values.role }, by);
      io.out(`${created.email} ${created.reinvited ? "was invited before; here is a new link" : "is now an operator"} (${created.role}).`);
      printLink(io, created.link);
    } else {
      const { email: who, link } = await passwordLink(deps, email, by);
      io.out(`A new set-password link for ${who} (their current password works until it is used).`);
      printLink(io, link);
    }
    return 0;
  } catch (err) {
    io.err(err instanceof TeamError ? err.message : `Failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await core?.close();
    db.close();
    await pool?.end();
  }
}

function printLink(io: CliIo, link: { url: string; expiresAt: number }): void {
  io.out(`Open this link to set the password. It works once, until ${new Date(link.expiresAt).toISOString()}:`);
  io.out(`  ${link.url}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const user = (() => {
    try {
      return userInfo().username;
    } catch {
      return process.env.USER ?? "unknown";
    }
  })();
  runTeamCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env, user }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
