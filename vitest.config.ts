import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/**
 * Unit and integration tests (Node). Browser end-to-end tests live in tests/e2e/ and run under
 * Playwright (playwright.config.ts), never under Vitest.
 */
export default defineConfig({
  // `@gatehouse/backend-kit` by name resolves to the workspace's TypeScript sources, as in tsc
  // (customConditions) and the demo app (--conditions): backend-kit/package.json's exports.
  ssr: { resolve: { conditions: ["gatehouse-source", ...defaultServerConditions] } },
  test: {
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx", "main/**/*.test.ts", "shared/**/*.test.ts"],
    exclude: ["**/node_modules/**", "tests/e2e/**", "dist/**", "out/**"],
    environment: "node",
    // supertokens-node is a process-wide singleton: every test file gets its own child process.
    pool: "forks",
    isolate: true,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // An empty run is a broken run (wrong glob, moved folder), not a green one.
    passWithNoTests: false,
    // A stray `.only` must never silently skip the rest of the suite.
    allowOnly: false,
  },
});
