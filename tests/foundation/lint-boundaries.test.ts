/**
 * The lint rules that guard the architecture must actually fire: these lint in-memory snippets
 * with the project's own eslint.config.js, as if they lived at the given paths.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** Rule ids of the problems ESLint reports for `code` placed at `file` (relative to the repo root). */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  if (!result) throw new Error("no lint result");
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const BOUNDARY = "gatehouse/boundaries";

describe("Electron boundary", () => {
  const code = 'import { app } from "electron";\nexport const quit = () => app.quit();\n';

  it("rejects `electron` outside main/electron/", async () => {
    expect(await ruleIds("main/services/x.ts", code)).toEqual([BOUNDARY]);
    expect(await ruleIds("shared/contract/x.ts", code)).toEqual([BOUNDARY]);
    expect(await ruleIds("renderer/x.ts", code)).toEqual([BOUNDARY]);
    expect(await ruleIds("main/services/y.ts", 'export const m = await import("electron/main");\n')).toEqual([BOUNDARY]);
  });

  it("allows `electron` in main/electron/", async () => {
    expect(await ruleIds("main/electron/x.ts", code)).toEqual([]);
    expect(await ruleIds("main/electron/preload/x.ts", 'import { contextBridge } from "electron/renderer";\nexport { contextBridge };\n')).toEqual([]);
  });
});

describe("renderer / shared / main boundaries", () => {
  it("rejects renderer importing main or Node built-ins", async () => {
    expect(await ruleIds("renderer/pages/Users.tsx", 'import { x } from "../../main/services/users.ts";\nexport const y = x;\n')).toEqual([BOUNDARY]);
    expect(await ruleIds("renderer/pages/Users.tsx", 'import fs from "node:fs";\nimport p from "path";\nexport const y = [fs, p];\n')).toEqual([
      BOUNDARY,
      BOUNDARY,
    ]);
  });

  it("allows renderer importing shared", async () => {
    expect(await ruleIds("renderer/pages/Users.tsx", 'import type { Op } from "../../shared/contract/ops.ts";\nexport type Y = Op;\n')).toEqual([]);
  });

  it("rejects shared importing main or renderer, and main importing renderer", async () => {
    expect(await ruleIds("shared/contract/ops.ts", 'export * from "../../main/dispatch.ts";\n')).toEqual([BOUNDARY]);
    expect(await ruleIds("shared/contract/ops.ts", 'export type T = import("../../renderer/x.ts").T;\n')).toEqual([BOUNDARY]);
    expect(await ruleIds("main/services/users.ts", 'import { y } from "../../renderer/store.ts";\nexport const z = y;\n')).toEqual([BOUNDARY]);
  });

  it("allows main importing shared and Node built-ins", async () => {
    expect(await ruleIds("main/services/users.ts", 'import fs from "node:fs";\nimport { ops } from "../../shared/contract/ops.ts";\nexport const z = [fs, ops];\n')).toEqual([]);
  });
});

describe("focused tests", () => {
  it("rejects .only in tests", async () => {
    const code = 'import { describe, it, test } from "vitest";\nit.only("a", () => {});\ndescribe.only("b", () => {});\ntest.skip("c", () => {});\n';
    expect(await ruleIds("tests/x.test.ts", code)).toEqual(["no-restricted-syntax", "no-restricted-syntax"]);
  });
});

describe("renderer without zod (the page's CSP forbids the eval zod probes for)", () => {
  const RULE = "@typescript-eslint/no-restricted-imports";

  it("rejects values from the contract's schemas or zod in the renderer", async () => {
    expect(await ruleIds("renderer/src/pages/x.tsx", 'import { SMS_TEMPLATE_MAX } from "../../../shared/contract/operations/invites.ts";\nexport const y = SMS_TEMPLATE_MAX;\n')).toEqual([RULE]);
    expect(await ruleIds("renderer/src/pages/x.tsx", 'import { z } from "zod";\nexport const y = z.string();\n')).toEqual([RULE]);
  });

  it("allows their types, zod-free shared values, and zod in main", async () => {
    expect(await ruleIds("renderer/src/pages/x.tsx", 'import type { InviteSettings } from "../../../shared/contract/operations/invites.ts";\nexport type Y = InviteSettings;\n')).toEqual([]);
    expect(await ruleIds("renderer/src/pages/x.tsx", 'import { SMS_TEMPLATE_MAX } from "../../../shared/contract/limits.ts";\nexport const y = SMS_TEMPLATE_MAX;\n')).toEqual([]);
    expect(await ruleIds("main/services/x.ts", 'import { z } from "zod";\nexport const y = z.string();\n')).toEqual([]);
  });
});
