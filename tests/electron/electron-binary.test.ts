/** Finding Electron's binary the way its package does, without ever requiring the package. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { electronBinary } from "../../scripts/electron-binary.ts";
import { ROOT } from "../../scripts/run-tool.ts";

const root = mkdtempSync(path.join(tmpdir(), "gatehouse-electron-binary-"));
const packageDir = path.join(root, "node_modules", "electron");
mkdirSync(path.join(packageDir, "dist"), { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("electronBinary", () => {
  it("is undefined without path.txt (the install script never ran)", () => {
    expect(electronBinary(root, {}, "linux")).toBeUndefined();
  });

  it("is undefined when path.txt names a binary that was never downloaded", () => {
    writeFileSync(path.join(packageDir, "path.txt"), "electron");
    expect(electronBinary(root, {}, "linux")).toBeUndefined();
  });

  it("finds node_modules/electron/dist/<path.txt>", () => {
    writeFileSync(path.join(packageDir, "dist", "electron"), "");
    expect(electronBinary(root, {}, "linux")).toBe(path.join(packageDir, "dist", "electron"));
  });

  it("honours ELECTRON_OVERRIDE_DIST_PATH, with the platform's default name when path.txt is missing", () => {
    const override = path.join(root, "override");
    mkdirSync(override);
    rmSync(path.join(packageDir, "path.txt"));
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: override }, "win32")).toBeUndefined();
    writeFileSync(path.join(override, "electron.exe"), "");
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: override }, "win32")).toBe(path.join(override, "electron.exe"));
  });

  it("never loads the electron package (which would try to download)", () => {
    const source = readFileSync(path.join(ROOT, "scripts", "electron-binary.ts"), "utf8");
    expect(source).not.toMatch(/require\(\s*["']electron["']\s*\)|from\s+["']electron["']|import\(\s*["']electron["']\s*\)/);
  });
});
