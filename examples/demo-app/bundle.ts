/** Bundles a sign-in page (web/main.ts or web/two-factor.ts, with supertokens-web-js) in memory with esbuild. */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** `entry`: the page's script in web/ (main.ts: Passwordless sign-in; two-factor.ts: the 2fa mode). */
export async function bundleSignInPage(entry = "main.ts"): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`./web/${entry}`, import.meta.url))],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2020",
    // The page imports the kit's data contract by package name; in this repo that is the
    // workspace package's TypeScript source (see the root tsconfig's customConditions).
    conditions: ["gatehouse-source"],
    minify: false,
    logLevel: "silent",
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error("esbuild produced no output for the sign-in page");
  return out.text;
}
