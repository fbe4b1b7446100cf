/** Bundles the sign-in page (web/main.ts, with supertokens-web-js) in memory with esbuild. */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export async function bundleSignInPage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./web/main.ts", import.meta.url))],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: false,
    logLevel: "silent",
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error("esbuild produced no output for the sign-in page");
  return out.text;
}
