/** `npm run build:electron`: bundles main/electron/ into dist/electron/{main,preload}.cjs. */
import path from "node:path";
import { bundleElectron } from "./electron-bundle.ts";

try {
  const out = await bundleElectron();
  console.log(`Built ${path.relative(process.cwd(), out.main)} and ${path.relative(process.cwd(), out.preload)}`);
} catch (err) {
  console.error(`build:electron failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
