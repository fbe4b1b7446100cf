/**
 * `npm run core`: one line when ready, the demo data on --demo, data kept with --db, the API key
 * demanded with --api-key, a clean stop on SIGINT/SIGTERM, and clear errors for bad options.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TSX = join(process.cwd(), "node_modules", ".bin", "tsx");
const CLI = join(process.cwd(), "main", "embedded-core", "cli.ts");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcessWithoutNullStreams;
  firstLine: string;
}

function start(args: string[]): Promise<Started> {
  const child = spawn(TSX, [CLI, ...args], { stdio: "pipe" });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve({ child, firstLine: out.slice(0, nl) });
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`core exited with ${code} before it was ready: ${err}`)));
  });
}

function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (code) => resolve(code));
    child.kill(signal);
  });
}

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(TSX, [CLI, ...args], { stdio: "pipe" });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gatehouse-cli-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("npm run core", () => {
  it("prints one ready line with its URL, serves the demo data, and stops cleanly on SIGINT", async () => {
    const port = await freePort();
    const { child, firstLine } = await start(["--port", String(port), "--demo"]);
    expect(firstLine).toContain(`http://127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/users/count?includeAllTenants=true`);
    expect(await res.json()).toEqual({ status: "OK", count: 340 });
    expect(await stop(child, "SIGINT")).toBe(0);
  }, 30_000);

  it("keeps data in a --db file across a restart, and stops cleanly on SIGTERM", async () => {
    const dbFile = join(dir, "core.sqlite");
    const port = await freePort();
    const first = await start(["--port", String(port), "--db", dbFile]);
    const signup = await fetch(`http://127.0.0.1:${port}/recipe/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "kept@example.com", password: "pw-123456" }),
    });
    expect(((await signup.json()) as { status: string }).status).toBe("OK");
    expect(await stop(first.child, "SIGTERM")).toBe(0);

    const second = await start(["--port", String(port), "--db", dbFile]);
    const signin = await fetch(`http://127.0.0.1:${port}/recipe/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "kept@example.com", password: "pw-123456" }),
    });
    expect(((await signin.json()) as { status: string }).status).toBe("OK");
    expect(await stop(second.child, "SIGTERM")).toBe(0);
  }, 30_000);

  it("demands the --api-key like the real Core", async () => {
    const port = await freePort();
    const key = "local-dev-key-0123456789";
    const { child } = await start(["--port", String(port), "--api-key", key]);
    try {
      const without = await fetch(`http://127.0.0.1:${port}/users/count`);
      expect(without.status).toBe(401);
      expect(await without.text()).toBe("Invalid API key\n");
      const withKey = await fetch(`http://127.0.0.1:${port}/users/count`, { headers: { "api-key": key } });
      expect(withKey.status).toBe(200);
    } finally {
      await stop(child, "SIGTERM");
    }
  }, 30_000);

  it("refuses bad options with a clear message and usage", async () => {
    const badPort = await run(["--port", "seventy"]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain("--port must be a number");
    const badKey = await run(["--port", "0", "--api-key", "short"]);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain("at least 20 characters");
    const unknown = await run(["--nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("usage: npm run core");
  }, 30_000);

  it("says so when the port is taken", async () => {
    const port = await freePort();
    const { child } = await start(["--port", String(port)]);
    try {
      const second = await run(["--port", String(port)]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("Port already in use");
    } finally {
      await stop(child, "SIGTERM");
    }
  }, 30_000);
});
