/**
 * `npm run server` as a real process (node --import tsx scripts/server.ts, what the npm script
 * runs): `add-operator` prints a one-time link for the config's publicUrl; the server prints its
 * URL, the first admin sets a password with the link, signs in and calls the console;
 * `password-link` works while the server runs; SIGTERM stops it with exit 0. A config that would serve plain HTTP on every interface is refused with
 * exit 1 and a message naming the field; no --config is wrong usage (exit 2).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/run-tool.ts";
import { freePort, waitForOutput } from "../support/process.ts";
import { Browser } from "../team/support/team-http.ts";

const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-server-process-"));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function server(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "scripts/server.ts", ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs to the end; answers the exit code and what was printed. */
function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const proc = server(args);
  let out = "";
  let err = "";
  proc.stdout?.on("data", (c: Buffer) => (out += c.toString("utf8")));
  proc.stderr?.on("data", (c: Buffer) => (err += c.toString("utf8")));
  return new Promise((resolve) => proc.on("exit", (code) => resolve({ code, out, err })));
}

describe("npm run server", () => {
  it("adds the first admin from the command line, serves on the configured port, and stops with exit 0 on SIGTERM", async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const config = path.join(dir, "server.json");
    writeFileSync(config, JSON.stringify({ listen: { host: "127.0.0.1", port }, publicUrl: origin, dataDir: "./data" }));

    const added = await run(["add-operator", "first@example.com", "--role", "admin", "--config", config]);
    expect(added.err).toBe("");
    expect(added.code).toBe(0);
    const link = new RegExp(`${origin}/#set-password=([A-Za-z0-9_-]{43})`).exec(added.out);
    expect(added.out).toContain("first@example.com is now an operator (admin).");
    expect(link).not.toBeNull();

    child = server(["--config", config]);
    const output = await waitForOutput(child, /Press Ctrl-C to stop\.\n/, 120_000, "the server");
    expect(output).toContain(`Gatehouse team server is running: open ${origin}/`);
    expect(output).toContain(`Listening on 127.0.0.1:${port} (plain HTTP). Data folder: ${path.join(dir, "data")}.`);

    const browser = new Browser(origin);
    const password = "A-long-enough-first-password-42";
    expect((await browser.post("/api/team/set-password", { token: link?.[1], password })).status).toBe(200);
    expect((await browser.post("/api/team/sign-in", { email: "first@example.com", password })).status).toBe(200);
    const whoami = await browser.post("/api/invoke", { op: "session.whoami", input: {} });
    expect(whoami.body.value).toMatchObject({ operator: "first@example.com", role: "admin", mode: "team", profile: { name: "Local demo" } });
    // The renderer is served from the build.
    expect((await fetch(`${origin}/`)).status).toBe(200);

    // The command line works while the server runs (both open the embedded directory's files).
    const relinked = await run(["password-link", "first@example.com", "--config", config]);
    expect(relinked.code).toBe(0);
    const second = new RegExp(`${origin}/#set-password=([A-Za-z0-9_-]{43})`).exec(relinked.out);
    const newPassword = "Another-long-enough-password-43";
    expect((await new Browser(origin).post("/api/team/set-password", { token: second?.[1], password: newPassword })).status).toBe(200);
    expect((await new Browser(origin).post("/api/team/sign-in", { email: "first@example.com", password: newPassword })).status).toBe(200);
    // Setting a password ends the operator's sessions.
    expect((await browser.post("/api/invoke", { op: "session.whoami", input: {} })).status).toBe(401);

    const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 180_000);

  it("refuses plain HTTP on every interface, naming the field, with exit 1", async () => {
    const config = path.join(dir, "open.json");
    writeFileSync(config, JSON.stringify({ listen: { host: "0.0.0.0", port: 8080 }, publicUrl: "https://gatehouse.example.com", dataDir: "./open" }));
    const refused = await run(["--config", config]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`The config is not valid: ${config}: listen.host: "0.0.0.0" is not a loopback address`);
    expect(refused.err).toMatch(/plain HTTP is allowed only on loopback/);
  }, 60_000);

  it("without --config is wrong usage (exit 2), saying what to give", async () => {
    const usage = await run([]);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/Give the server's config file with --config <file>/);
  }, 60_000);
});
