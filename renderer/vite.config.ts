import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { RENDERER_CSP_META } from "../shared/security/csp.ts";

/**
 * The built page also carries the renderer's CSP as a meta tag (defence in depth: browser mode
 * and the Electron protocol send it as a header too). Added at build time only: the dev server
 * injects an inline React-refresh script.
 */
const contentSecurityPolicy = (): Plugin => ({
  name: "gatehouse-csp",
  apply: "build",
  transformIndexHtml: () => [{ tag: "meta", attrs: { "http-equiv": "Content-Security-Policy", content: RENDERER_CSP_META }, injectTo: "head-prepend" }],
});

/** The renderer: built to dist/renderer with relative URLs, so the Electron protocol (gatehouse://app/) and browser mode both load it. */
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: "../dist/renderer",
    emptyOutDir: true,
    // Keep everything in files: the CSP is script-src 'self', so no inline scripts.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { fs: { allow: [".."] } },
});
