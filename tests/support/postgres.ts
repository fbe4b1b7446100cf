/**
 * A throwaway PostgreSQL cluster for a test: initdb into a temporary folder, started on a free
 * loopback port (its unix socket in that folder too, so it never meets a system cluster), trust
 * auth, one database created; stop() removes it all. As root (CI, the dev machines) the server
 * runs as the `postgres` OS user, since PostgreSQL refuses to run as root.
 *
 * Binaries: Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin), else PATH. When
 * they are missing and we are root with apt-get, the package is installed (as .ci/run does).
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url: string;
  /** Another database on the same cluster (created now). */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"))) return dir;
  return undefined;
}

function postgresBin(): string {
  const found = binDir();
  if (found) return found;
  if (isRoot() && existsSync("/usr/bin/apt-get")) {
    execFileSync("apt-get", ["update"], { stdio: "ignore" });
    execFileSync("apt-get", ["install", "-y", "postgresql"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    const installed = binDir();
    if (installed) return installed;
  }
  throw new Error("PostgreSQL is needed for this test and was not found: install Debian's postgresql package (sudo apt-get install postgresql), or put initdb and pg_ctl on PATH.");
}

/** Runs a PostgreSQL tool, as the postgres OS user when we are root. */
function run(bin: string, tool: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args];
  try {
    execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`${tool} ${args[0] ?? ""} failed: ${e.stderr?.toString() || e.stdout?.toString() || String(err)}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(database = "gatehouse"): Promise<TestPostgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-pg-"));
  const data = join(dir, "data");
  if (isRoot()) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  // fsync off: a test cluster lives for seconds and is thrown away.
  run(bin, "initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(bin, "pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w"]);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test that dies without calling stop() leaves no server behind.
  process.once("exit", stopNow);
  try {
    run(bin, "pg_ctl", ["start", "-D", data, "-w", "-t", "60", "-l", join(dir, "server.log"), "-o", options]);
  } catch (err) {
    const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
    stopNow();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  const base = `postgres://postgres@127.0.0.1:${port}`;
  const createDatabase = async (name: string): Promise<string> => {
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, "")}"`);
    } finally {
      await admin.end();
    }
    return `${base}/${name}`;
  };
  return {
    url: await createDatabase(database),
    createDatabase,
    stop: () => {
      stopNow();
      process.removeListener("exit", stopNow);
      return Promise.resolve();
    },
  };
}
