/**
 * Expired Passwordless codes. Waiting out the Core's 15-minute lifetime is not an option, so
 * this file runs only against the embedded core, started with a 60 s code lifetime and a
 * clock the test moves forward (EmbeddedCoreOptions.passwordlessCodeLifetimeMs and now).
 * Expected answers follow the Core 11.4.7 sources (Passwordless.checkCodeAndReturnDevice):
 * an expired user input code counts as a failed attempt and gives EXPIRED_USER_INPUT_CODE_ERROR;
 * an expired link code gives RESTART_FLOW_ERROR.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Passwordless from "supertokens-node/recipe/passwordless";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { embedded, uniqueEmail } from "./helpers.ts";

const tenantId = "public";
const LIFETIME = 60_000;
let offset = 0;
let core: TestCore | undefined;

describe.skipIf(!embedded)(
  "expired passwordless codes (embedded only: needs a short code lifetime and a movable clock, which a real Core cannot be given)",
  () => {
    beforeAll(async () => {
      core = await startTestCore({ passwordlessCodeLifetimeMs: LIFETIME, now: () => Date.now() + offset });
      initSdk(core.url, core.apiKey);
    });

    afterAll(async () => {
      await core?.close();
    });

    it("the configured lifetime is what createCode and listCodes report", async () => {
      const email = uniqueEmail("expiry-lifetime");
      const code = await Passwordless.createCode({ tenantId, email });
      expect(code.codeLifetime).toBe(LIFETIME);
      const devices = await Passwordless.listCodesByEmail({ tenantId, email });
      expect(devices[0]?.codes.map((c) => c.codeLifetime)).toEqual([LIFETIME]);
    });

    it("a code is still good just before its lifetime ends", async () => {
      const code = await Passwordless.createCode({ tenantId, email: uniqueEmail("expiry-before") });
      offset += LIFETIME - 5_000;
      const res = await Passwordless.consumeCode({
        tenantId,
        preAuthSessionId: code.preAuthSessionId,
        deviceId: code.deviceId,
        userInputCode: code.userInputCode,
      });
      expect(res.status).toBe("OK");
    });

    it("an expired user input code gives EXPIRED_USER_INPUT_CODE_ERROR and counts the attempt", async () => {
      const email = uniqueEmail("expiry-code");
      const code = await Passwordless.createCode({ tenantId, email });
      offset += LIFETIME + 1_000;
      const input = {
        tenantId,
        preAuthSessionId: code.preAuthSessionId,
        deviceId: code.deviceId,
        userInputCode: code.userInputCode,
      };
      expect(await Passwordless.consumeCode(input)).toStrictEqual({
        status: "EXPIRED_USER_INPUT_CODE_ERROR",
        failedCodeInputAttemptCount: 1,
        maximumCodeInputAttempts: 5,
      });
      expect(await Passwordless.consumeCode(input)).toStrictEqual({
        status: "EXPIRED_USER_INPUT_CODE_ERROR",
        failedCodeInputAttemptCount: 2,
        maximumCodeInputAttempts: 5,
      });
      const device = await Passwordless.listCodesByDeviceId({ tenantId, deviceId: code.deviceId });
      expect(device?.failedCodeInputAttemptCount).toBe(2);

      // A new code for the same device works.
      const next = await Passwordless.createNewCodeForDevice({ tenantId, deviceId: code.deviceId });
      if (next.status !== "OK") throw new Error(`expected OK, got ${next.status}`);
      const ok = await Passwordless.consumeCode({ ...input, userInputCode: next.userInputCode });
      if (ok.status !== "OK") throw new Error(`expected OK, got ${ok.status}`);
      expect(ok.consumedDevice).toStrictEqual({
        preAuthSessionId: code.preAuthSessionId,
        failedCodeInputAttemptCount: 2,
        email,
      });
    });

    it("an expired code used for the 5th failed attempt deletes the device", async () => {
      const email = uniqueEmail("expiry-exhaust");
      const code = await Passwordless.createCode({ tenantId, email });
      const input = { tenantId, preAuthSessionId: code.preAuthSessionId, deviceId: code.deviceId };
      for (let attempt = 1; attempt <= 4; attempt++) {
        expect(await Passwordless.consumeCode({ ...input, userInputCode: `bad${attempt}` })).toMatchObject({
          status: "INCORRECT_USER_INPUT_CODE_ERROR",
          failedCodeInputAttemptCount: attempt,
        });
      }
      offset += LIFETIME + 1_000;
      expect(await Passwordless.consumeCode({ ...input, userInputCode: code.userInputCode })).toStrictEqual({
        status: "RESTART_FLOW_ERROR",
      });
      expect(await Passwordless.listCodesByEmail({ tenantId, email })).toEqual([]);
    });

    it("an expired magic link gives RESTART_FLOW_ERROR", async () => {
      const link = new URL(await Passwordless.createMagicLink({ tenantId, email: uniqueEmail("expiry-link") }));
      offset += LIFETIME + 1_000;
      expect(
        await Passwordless.consumeCode({
          tenantId,
          preAuthSessionId: link.searchParams.get("preAuthSessionId")!,
          linkCode: link.hash.slice(1),
        }),
      ).toStrictEqual({ status: "RESTART_FLOW_ERROR" });
    });
  },
);
