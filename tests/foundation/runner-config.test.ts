/**
 * The test runners' safety settings: Vitest refuses an empty run and isolates files in processes;
 * the Chromium lookup honours CHROMIUM_PATH and fails with an actionable message.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import config from "../../vitest.config.ts";
import { CHROMIUM_FLAGS, findChromium } from "../../scripts/find-browser.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("vitest config", () => {
  it("runs each file in its own process and never passes an empty run", () => {
    expect(config.test?.pool).toBe("forks");
    expect(config.test?.passWithNoTests).toBe(false);
    expect(config.test?.exclude).toContain("tests/e2e/**");
  });

  it("exits non-zero when no test file matches", () => {
    const result = spawnSync(path.join(ROOT, "node_modules/.bin/vitest"), ["run", "tests/foundation/__no_such_test__"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CI: "true", FORCE_COLOR: "0" },
    });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/No test files found/i);
  });
});

describe("findChromium", () => {
  const saved = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it("uses CHROMIUM_PATH when it points at an executable", async () => {
    process.env.CHROMIUM_PATH = process.execPath;
    await expect(findChromium()).resolves.toBe(process.execPath);
  });

  it("says what to install when CHROMIUM_PATH is wrong", async () => {
    process.env.CHROMIUM_PATH = path.join(ROOT, "no-such-browser");
    await expect(findChromium()).rejects.toThrow(/sudo apt-get install chromium, or set CHROMIUM_PATH/);
  });

  it("exports the required flags", () => {
    expect(CHROMIUM_FLAGS).toEqual(expect.arrayContaining(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"]));
  });
});
