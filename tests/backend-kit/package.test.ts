/**
 * The kit as app teams get it: `npm pack` of backend-kit/ (its prepack builds dist/; run in a copy
 * of the folder, see copyOfKit), the tarball installed with npm into a fresh app outside the repo
 * next to supertokens-node 24.0.3, and that app (packed-app/server.mjs, plain JavaScript on Node)
 * signing people in against an embedded core: a stranger is refused with seed 01's message, an invited user signs in and the
 * acceptance lands in the metadata key of the console's data contract. A TypeScript consumer
 * (packed-app/consumer.ts) is type-checked against the installed declarations meanwhile.
 *
 * npm installs with --prefer-offline: after `npm ci` everything is in npm's cache; with a cold
 * cache it fetches from the registry.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { initSdk } from "../support/sdk.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KIT = join(ROOT, "backend-kit");
const FIXTURE = join(ROOT, "tests/backend-kit/packed-app");
const SEED_01_MESSAGE = "Sign up disabled. Please contact the admin.";
const NPM_INSTALL = ["--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"];

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(join(KIT, "package.json"), "utf8")) as Manifest;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The child npm must see the fresh app as its project, not the repo that `npm test` runs in
 * (npm passes its own project and lifecycle settings down in npm_* variables).
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|config_(local_)?prefix$|config_workspaces?$)/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function mustRun(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** What a built module imports: `import … from`, `export … from`, `import "x"` and `import("x")`. */
function importsOf(js: string): string[] {
  const patterns = [/^(?:import|export)\s[^;'"]*?\bfrom\s*["']([^"'\n]+)["']/gm, /^import\s*["']([^"'\n]+)["']/gm, /\bimport\(\s*["']([^"'\n]+)["']\s*\)/g];
  return patterns.flatMap((re) => [...js.matchAll(re)].map((m) => m[1]!));
}

/** The package a bare specifier names ("supertokens-node/recipe/session" → "supertokens-node"). */
const packageOf = (spec: string): string => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");

/**
 * backend-kit/ copied without its build output, its node_modules the repo's (typescript, types):
 * packing it there builds in the copy, so the repo never holds a dist/ that a process started
 * without the gatehouse-source condition could load stale, and runs of this test in parallel
 * (the lead's `npm test`, a helper's) do not rebuild each other's dist/.
 */
function copyOfKit(): string {
  const copy = join(work, "kit");
  const skip = new Set([join(KIT, "dist"), join(KIT, "node_modules")]);
  cpSync(KIT, copy, { recursive: true, filter: (src) => !skip.has(src) });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  return copy;
}

let work: string;
let app: string;
let packed: { filename: string; files: { path: string }[] };
let core: RunningEmbeddedCore | undefined;
let server: ChildProcess | undefined;
let appUrl: string;
let kitEntry: string;
let typecheck: Promise<Run>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "gatehouse-kit-pack-"));
  // A node_modules above the fresh app would let it load what the package forgot to declare.
  for (let dir = dirname(work); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules"))) throw new Error(`${dir}/node_modules exists above the temp dir; set TMPDIR elsewhere`);
  }

  // The app first depends on supertokens-node alone (the bulk of the install, done while the kit
  // builds), then installs the tarball as a team would: `npm install ./gatehouse-backend-kit-….tgz`.
  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "kit-consumer", private: true, type: "module", dependencies: { "supertokens-node": "24.0.3" } }));
  const t0 = performance.now();
  const [out] = await Promise.all([mustRun("npm", ["pack", "--json", "--pack-destination", work], copyOfKit()), mustRun("npm", ["install", ...NPM_INSTALL], app)]);
  const [first] = JSON.parse(out) as (typeof packed)[];
  if (!first) throw new Error(`npm pack printed no package:\n${out}`);
  packed = first;
  const t1 = performance.now();
  await mustRun("npm", ["install", ...NPM_INSTALL, `../${packed.filename}`], app);
  console.log(`kit package: packed (and supertokens-node installed) in ${((t1 - t0) / 1000).toFixed(1)} s, the tarball installed in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  copyFileSync(join(FIXTURE, "server.mjs"), join(app, "server.mjs"));
  copyFileSync(join(FIXTURE, "consumer.ts"), join(app, "consumer.ts"));

  // The TypeScript consumer, with the repo's compiler and Node types but nothing else of the repo.
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
        typeRoots: [join(ROOT, "node_modules/@types")],
      },
      files: ["consumer.ts"],
    }),
  );
  typecheck = run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], app);

  core = await startEmbeddedCore();
  initSdk(core.url);
  server = spawn(process.execPath, ["server.mjs", core.url], { cwd: app, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  [appUrl, kitEntry] = await new Promise<[string, string]>((resolve, reject) => {
    server!.stdout!.on("data", (c: Buffer) => {
      output += c.toString();
      const url = /^app: (\S+)$/m.exec(output)?.[1];
      const kit = /^kit: (\S+)$/m.exec(output)?.[1];
      if (url && kit) resolve([url, kit]);
    });
    server!.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    server!.once("exit", (code) => reject(new Error(`the packed app exited with ${code}:\n${output}`)));
  });
}, 150_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  await core?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${appUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", rid: "passwordless", "st-auth-mode": "header" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function outbox(): Promise<{ to: string; userInputCode: string }[]> {
  return (await fetch(`${appUrl}/outbox`)).json() as Promise<{ to: string; userInputCode: string }[]>;
}

describe("the packed kit", () => {
  it("ships the built JavaScript, its declarations and the README, and no TypeScript sources", () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const f of ["package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/data-contract.js", "dist/data-contract.d.ts"]) expect(files).toContain(f);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    expect(files.filter((f) => !f.startsWith("dist/") && f !== "package.json" && f !== "README.md")).toEqual([]);
  });

  it("imports only its own .js modules, Node built-ins and the packages its package.json lists", () => {
    const allowed = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const dist = join(app, "node_modules", manifest.name, "dist");
    const stray: string[] = [];
    for (const file of readdirSync(dist).filter((f) => f.endsWith(".js"))) {
      const specs = importsOf(readFileSync(join(dist, file), "utf8"));
      for (const spec of specs) {
        if (spec.startsWith(".")) {
          if (!spec.endsWith(".js")) stray.push(`dist/${file} imports "${spec}", which Node cannot load from the package`);
          continue;
        }
        if (spec.startsWith("node:") || builtinModules.includes(spec) || allowed.has(packageOf(spec))) continue;
        stray.push(`dist/${file} imports "${spec}", which backend-kit/package.json does not list in dependencies or peerDependencies`);
      }
    }
    expect(stray).toEqual([]);
    // The parser sees what it should (else the check above would pass on nothing).
    expect(importsOf(readFileSync(join(dist, "index.js"), "utf8"))).toContain("./data-contract.js");
    expect(importsOf(readFileSync(join(dist, "contact.js"), "utf8"))).toContain("supertokens-node");
  });

  it("is what the fresh app loads: the installed package, not the repo's sources", () => {
    expect(fileURLToPath(kitEntry)).toBe(join(app, "node_modules", manifest.name, "dist", "index.js"));
  });

  it("refuses a stranger's sign-up with seed 01's message and sends nothing", async () => {
    const answer = await post("/auth/signinup/code", { email: "mallory@example.com" });
    expect(answer.body).toEqual({ status: "GENERAL_ERROR", message: SEED_01_MESSAGE });
    expect((await outbox()).some((m) => m.to === "mallory@example.com")).toBe(false);
    expect(await supertokens.listUsersByAccountInfo("public", { email: "mallory@example.com" })).toEqual([]);
  });

  it("signs an invited user in, and records the acceptance under the console's data contract", async () => {
    const invited = await post("/setup/invite", { email: "alice@example.com" });
    expect(invited.body).toMatchObject({ createdNewUser: true });
    const userId = invited.body.userId as string;

    const code = await post("/auth/signinup/code", { email: "alice@example.com" });
    expect(code.body.status).toBe("OK");
    const sent = (await outbox()).filter((m) => m.to === "alice@example.com").at(-1);
    expect(sent?.userInputCode).toBeTruthy();
    const consumed = await post("/auth/signinup/code/consume", {
      deviceId: code.body.deviceId,
      preAuthSessionId: code.body.preAuthSessionId,
      userInputCode: sent!.userInputCode,
    });
    expect(consumed.body).toMatchObject({ status: "OK", createdNewRecipeUser: false, user: { id: userId } });

    // On the Core, read with plain supertokens-node under the key the console reads.
    const { metadata } = await UserMetadata.getUserMetadata(userId);
    const record = metadata[DEFAULT_DATA_CONTRACT.inviteKey] as { invitedBy?: string; invitedAt?: number; acceptedAt?: number } | undefined;
    expect(record?.invitedBy).toBe("packed-app");
    expect(record?.acceptedAt).toBeGreaterThanOrEqual(record?.invitedAt ?? Infinity);
  });

  it("types a TypeScript app's use of it from the installed declarations", async () => {
    const result = await typecheck;
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.code).toBe(0);
  }, 60_000);
});
