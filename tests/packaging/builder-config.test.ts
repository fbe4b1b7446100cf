/**
 * electron-builder.yml against what `npm run build` really produces: every `files` pattern,
 * extraMetadata.main and every icon must point at something that exists after the build; all
 * three OSes have targets; electron-builder's own schema accepts the file. electron-builder itself
 * cannot package here (it downloads Electron), so this is as close as the build machine gets.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ELECTRON_EXTERNALS, ELECTRON_OUT_DIR, bundleElectron } from "../../scripts/electron-bundle.ts";
import { pngSize } from "../../scripts/png.ts";
import { ensureRendererBuilt, RENDERER_OUT_DIR } from "../../scripts/renderer-build.ts";
import { ROOT } from "../../scripts/run-tool.ts";

interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string; buildResources?: string };
  files?: string[];
  extraMetadata?: { main?: string };
  asarUnpack?: string[];
  icon?: string;
  linux?: { target?: string[]; icon?: string; maintainer?: string };
  mac?: { target?: string[]; icon?: string };
  win?: { target?: string[]; icon?: string };
}

// js-yaml and app-builder-lib come with electron-builder; resolve them the way it does.
const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve("electron-builder"));
const yaml = requireFromBuilder("js-yaml") as { load(text: string): unknown };
const config = yaml.load(readFileSync(path.join(ROOT, "electron-builder.yml"), "utf8")) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

beforeAll(async () => {
  await ensureRendererBuilt(() => {});
  await bundleElectron();
}, 180_000);

/** Every file under `dir`, relative to the repository root, with forward slashes. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
}

/** electron-builder's glob subset used here: `**` spans folders, `*` stays within one. */
function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split("**")
    .map((part) => part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*"))
    .join(".*");
  return new RegExp(`^${source.replace(/\.\*\//g, "(?:.*/)?")}$`);
}

describe("electron-builder.yml", () => {
  it("is valid for electron-builder's own schema", async () => {
    const { validateConfiguration } = requireFromBuilder("app-builder-lib/out/util/config/config.js") as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = requireFromBuilder("builder-util") as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it("names the app", () => {
    expect(config.appId).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe("Gatehouse");
  });

  it("targets Linux (AppImage, deb), macOS (dmg) and Windows (nsis)", () => {
    expect(config.linux?.target).toEqual(expect.arrayContaining(["AppImage", "deb"]));
    expect(config.linux?.maintainer).toBeTruthy(); // deb refuses to build without one
    expect(config.mac?.target).toContain("dmg");
    expect(config.win?.target).toContain("nsis");
  });

  it("packs files that the build produced, each pattern matching something", () => {
    const built = [...filesUnder(path.join(ROOT, "dist")), "package.json"];
    expect(config.files?.length).toBeGreaterThan(0);
    for (const pattern of config.files ?? []) {
      expect(built.some((file) => globToRegExp(pattern).test(file)), `files: ${pattern} matches nothing the build produced`).toBe(true);
    }
    expect(built).toContain("dist/renderer/index.html");
  });

  it("starts at the bundled main process, whose preload and renderer are packed too", () => {
    const main = config.extraMetadata?.main ?? "";
    expect(path.resolve(ROOT, main)).toBe(path.join(ELECTRON_OUT_DIR, "main.cjs"));
    expect(existsSync(path.resolve(ROOT, main))).toBe(true);
    // main.ts finds these relative to its own folder: ./preload.cjs and ../renderer/.
    const packed = (file: string) => (config.files ?? []).some((p) => globToRegExp(p).test(path.relative(ROOT, file).split(path.sep).join("/")));
    for (const file of [path.join(ELECTRON_OUT_DIR, "preload.cjs"), path.join(RENDERER_OUT_DIR, "index.html")]) {
      expect(existsSync(file), file).toBe(true);
      expect(packed(file), `${file} is not in files`).toBe(true);
    }
  });

  it("keeps the build output apart from the packages electron-builder writes", () => {
    expect(config.directories?.output).toBeDefined();
    expect(path.resolve(ROOT, config.directories?.output ?? "dist")).not.toBe(path.join(ROOT, "dist"));
  });

  it("ships the bundle's external packages as dependencies, with better-sqlite3's addon outside the asar", () => {
    for (const external of ELECTRON_EXTERNALS.filter((e) => e !== "electron" && !e.includes("*"))) {
      expect(packageJson.dependencies, external).toHaveProperty(external);
    }
    const addons = filesUnder(path.join(ROOT, "node_modules", "better-sqlite3")).filter((file) => file.endsWith(".node"));
    expect(addons.length).toBeGreaterThan(0);
    for (const addon of addons) expect((config.asarUnpack ?? []).some((p) => globToRegExp(p).test(addon)), addon).toBe(true);
  });

  it("has PNG icons of at least 512x512 wherever it names one", () => {
    const icons = [config.icon, config.linux?.icon, config.mac?.icon, config.win?.icon].filter((icon): icon is string => icon !== undefined);
    expect(icons.length).toBeGreaterThan(0);
    for (const icon of icons) {
      const file = path.join(ROOT, icon);
      expect(existsSync(file) && statSync(file).isFile(), icon).toBe(true);
      const size = pngSize(readFileSync(file));
      expect(size?.width, icon).toBeGreaterThanOrEqual(512);
      expect(size?.height, icon).toBe(size?.width);
    }
  });

  it("is what `npm run dist` runs after a full build", () => {
    expect(packageJson.scripts.dist).toBe("npm run build && electron-builder");
    expect(packageJson.scripts.build).toBe("npm run build:renderer && npm run build:electron");
    expect(packageJson.scripts["build:renderer"]).toBe("vite build --config renderer/vite.config.ts");
    expect(packageJson.scripts["build:electron"]).toBe("tsx scripts/build-electron.ts");
  });
});

describe("globToRegExp (this test's matcher)", () => {
  it("matches like electron-builder for the patterns used here", () => {
    expect(globToRegExp("dist/electron/**").test("dist/electron/main.cjs")).toBe(true);
    expect(globToRegExp("dist/electron/**").test("dist/renderer/index.html")).toBe(false);
    expect(globToRegExp("package.json").test("package.json")).toBe(true);
    expect(globToRegExp("**/node_modules/better-sqlite3/**/*.node").test("node_modules/better-sqlite3/build/Release/better_sqlite3.node")).toBe(true);
    expect(globToRegExp("**/node_modules/better-sqlite3/**/*.node").test("node_modules/better-sqlite3/lib/index.js")).toBe(false);
  });
});
