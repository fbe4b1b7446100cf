/**
 * The randomized differential test, single-Core mode: seeded sequences of supertokens-node calls
 * and malformed raw requests against the embedded core (or CORE_URL), each step checked against
 * the model of the Core's rules and the recorded exchanges. A failing seed prints the shortest
 * sequence that still fails. Dual mode (two Cores, every difference listed) is `npm run test:diff`.
 * DIFF_SEEDS=3,17 and DIFF_STEPS=500 run other seeds (the defaults stay fixed so CI is repeatable).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { checkSeed } from "./check-seed.ts";

const SEEDS = (process.env.DIFF_SEEDS ?? "1,2,3,4").split(",").map(Number);
const STEPS = Number(process.env.DIFF_STEPS ?? 200);

let core: TestCore;

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  await core?.close();
});

describe("seeded random sequences keep the Core's rules", () => {
  for (const seed of SEEDS) {
    // Passing runs take a second or two; the long timeout is for shrinking a failure.
    it(`seed ${seed}: ${STEPS} steps`, { timeout: 180_000 }, async () => {
      const result = await checkSeed(seed, STEPS, core, { budget: 150 });
      expect(result.failure, result.failure).toBeUndefined();
    });
  }
});
