/**
 * Builds the scroll bench page (bench/scroll/page/): the renderer's components, styles and React
 * in production mode, as the renderer's own build makes them (renderer/vite.config.ts), without
 * its CSP. scroll.ts builds it into a temporary folder; by hand:
 *   npx vite build --config bench/scroll/vite.config.ts --outDir /tmp/scroll-page
 */
import path from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export const SCROLL_PAGE_DIR = path.join(import.meta.dirname, "page");

export default defineConfig({
  root: SCROLL_PAGE_DIR,
  base: "./",
  plugins: [react()],
  logLevel: "warn",
  build: {
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
