/**
 * The data contract (where the seeds' backends keep things in SuperTokens) is declared once, in
 * the backend kit's package, because app teams install the kit from npm and it cannot import
 * from outside its folder; the console, the renderer and the demo data read it through here.
 */
export * from "../backend-kit/data-contract.ts";
