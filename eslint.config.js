// ESLint flat config. Not type-aware on purpose (tsc already type-checks; this stays fast).
import path from "node:path";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const NODE_BUILTINS = new Set(builtinModules);

/**
 * The architecture's import boundaries (see DESIGN.md, "Architecture"):
 * - `electron` / `electron/*` only in main/electron/**.
 * - renderer/** imports neither main/** nor Node built-ins.
 * - shared/** imports neither main/** nor renderer/**; non-test shared code also stays free of
 *   Node built-ins, because the renderer imports it.
 * - main/** never imports renderer/**.
 * Relative specifiers are resolved against the importing file, so `../main/x.ts` from renderer/
 * is caught while a folder that merely happens to be called `main` elsewhere is not.
 */
const boundaries = {
  meta: {
    type: "problem",
    docs: { description: "Enforce Gatehouse's main/renderer/shared/Electron import boundaries" },
    schema: [],
    messages: {
      electron:
        "Only main/electron/** may import '{{spec}}'; keep services and everything else Electron-free (inject what you need).",
      rendererToMain: "renderer/** may not import main/** ('{{spec}}'); talk to main through the typed client in shared/contract.",
      rendererToNode: "renderer/** may not import the Node built-in '{{spec}}'; the renderer runs sandboxed in a browser context.",
      sharedToApp: "shared/** may not import {{area}}/** ('{{spec}}'); shared code is imported by both sides.",
      sharedToNode: "shared/** may not import the Node built-in '{{spec}}'; the renderer imports shared code.",
      mainToRenderer: "main/** may not import renderer/** ('{{spec}}').",
    },
  },
  create(context) {
    const file = path.relative(ROOT, context.filename).split(path.sep).join("/");
    const fileArea = areaOf(file);
    const inElectronFolder = file.startsWith("main/electron/");
    const isTestFile = /\.(test|spec|e2e)\.[cm]?[jt]sx?$/.test(file);

    function check(node, spec) {
      if (typeof spec !== "string") return;
      const report = (messageId, data = {}) => context.report({ node, messageId, data: { spec, ...data } });

      if ((spec === "electron" || spec.startsWith("electron/")) && !inElectronFolder) return report("electron");

      const isNodeBuiltin = spec.startsWith("node:") || NODE_BUILTINS.has(spec);
      let target;
      if (spec.startsWith(".") || spec.startsWith("/")) {
        target = areaOf(path.relative(ROOT, path.resolve(path.dirname(context.filename), spec)).split(path.sep).join("/"));
      }

      if (fileArea === "renderer") {
        if (target === "main") return report("rendererToMain");
        if (isNodeBuiltin) return report("rendererToNode");
      } else if (fileArea === "shared") {
        if (target === "main" || target === "renderer") return report("sharedToApp", { area: target });
        if (isNodeBuiltin && !isTestFile) return report("sharedToNode");
      } else if (fileArea === "main") {
        if (target === "renderer") return report("mainToRenderer");
      }
    }

    const fromSource = (node) => {
      if (node.source && node.source.type === "Literal") check(node.source, node.source.value);
    };
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: fromSource,
      TSImportEqualsDeclaration(node) {
        const ref = node.moduleReference;
        if (ref.type === "TSExternalModuleReference" && ref.expression.type === "Literal") check(ref.expression, ref.expression.value);
      },
      TSImportType(node) {
        // `import("x").T` in a type position; `source` replaced the deprecated `argument`.
        const lit = node.source;
        if (lit && lit.type === "Literal") check(lit, lit.value);
      },
      CallExpression(node) {
        const [arg] = node.arguments;
        if (node.callee.type === "Identifier" && node.callee.name === "require" && arg && arg.type === "Literal") check(arg, arg.value);
      },
    };
  },
};

/** First path segment of a root-relative path when it is one of the guarded areas. */
function areaOf(rel) {
  if (rel.startsWith("..")) return undefined;
  const top = rel.split("/")[0];
  return top === "main" || top === "renderer" || top === "shared" ? top : undefined;
}

const TEST_RUNNERS = "/^(describe|it|test|suite|bench)$/";
const noOnly = (selector) => ({
  selector,
  message: "Remove `.only` before committing: it silently skips every other test.",
});

export default defineConfig(
  { ignores: ["node_modules/", "dist/", "backend-kit/dist/", "out/", "test-results/", "playwright-report/", ".cache/", "coverage/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: "gatehouse/rules",
    plugins: { gatehouse: { rules: { boundaries } } },
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "gatehouse/boundaries": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
      "no-restricted-syntax": [
        "error",
        noOnly(`MemberExpression[property.name="only"][object.name=${TEST_RUNNERS}]`),
        noOnly(`MemberExpression[property.name="only"][object.object.name=${TEST_RUNNERS}]`),
        noOnly(`MemberExpression[property.name="only"][object.object.object.name=${TEST_RUNNERS}]`),
      ],
    },
  },
  {
    // The page's CSP forbids eval, and zod probes for `new Function` when it first builds a
    // schema: the renderer takes types from the contract's schemas, never the schemas themselves.
    name: "gatehouse/renderer-without-zod",
    files: ["renderer/**/*.ts", "renderer/**/*.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["zod", "**/shared/contract/operations/*", "**/shared/contract/index.ts", "**/shared/contract/schemas.ts", "**/shared/contract/define.ts", "**/shared/contract/events.ts"],
              allowTypeImports: true,
              message: "The renderer may import only types from the contract's zod schemas (zod would break the page's CSP); put shared values in a zod-free module such as shared/contract/limits.ts.",
            },
          ],
        },
      ],
    },
  },
  {
    // Plain JS files here are Node config/scripts; TS files get no-undef from tsc instead.
    name: "gatehouse/node-js",
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
  },
);
