/**
 * Seed 02 through the real API: the allow-list guard on POST /auth/signinup/code, per tenant, and
 * the allow-list helpers (re-read and merge on every edit).
 */
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  SIGN_UP_DISABLED_MESSAGE,
  addEmailToAllowlist,
  addPhoneNumberToAllowlist,
  addToAllowList,
  allowListGuard,
  getAllowList,
  isAllowed,
  isPhoneNumberAllowed,
  removeFromAllowList,
  removePhoneNumberFromAllowlist,
} from "../../backend-kit/index.ts";
import { DEFAULT_DATA_CONTRACT, allowListUserId } from "../../shared/data-contract.ts";
import { createCode, signInWithOtp, startKitApp, type KitApp } from "./app.ts";

let app: KitApp;

beforeAll(async () => {
  app = await startKitApp(allowListGuard());
});

afterAll(async () => {
  await app?.close();
});

const refused = { status: "GENERAL_ERROR", message: SIGN_UP_DISABLED_MESSAGE };

describe("allow-list guard", () => {
  it("an allowed phone signs up; after its removal a new phone cannot, and the existing user still signs in", async () => {
    await addPhoneNumberToAllowlist("+14155550101");
    const signedUp = await signInWithOtp(app, { phoneNumber: "+14155550101" });
    expect(signedUp.body).toMatchObject({ status: "OK", createdNewRecipeUser: true });

    await removePhoneNumberFromAllowlist("+14155550101");
    expect(await isPhoneNumberAllowed("+14155550101")).toBe(false);
    expect((await createCode(app, { phoneNumber: "+14155550102" })).body).toEqual(refused);

    const again = await signInWithOtp(app, { phoneNumber: "+14155550101" });
    expect(again.body).toMatchObject({ status: "OK", createdNewRecipeUser: false });
  });

  it("refuses an email that is not on the list, with the seed's exact message, and lets a listed one in", async () => {
    expect((await createCode(app, { email: "mallory@example.com" })).body).toEqual(refused);
    expect(app.outbox.some((m) => m.to === "mallory@example.com")).toBe(false);
    await addEmailToAllowlist("Dana@Example.com");
    expect((await createCode(app, { email: "dana@example.com" })).body.status).toBe("OK");
  });

  it("keeps tenants apart: an entry on another tenant's list admits nobody to public", async () => {
    await addToAllowList("email", "erin@example.com", { tenantId: "t1" });
    expect(await isAllowed("email", "erin@example.com", { tenantId: "t1" })).toBe(true);
    expect(await isAllowed("email", "erin@example.com")).toBe(false);
    expect((await createCode(app, { email: "erin@example.com" })).body).toEqual(refused);
    const stored = await UserMetadata.getUserMetadata(allowListUserId("email", "t1"));
    expect(stored.metadata).toEqual({ [DEFAULT_DATA_CONTRACT.allowListKey]: ["erin@example.com"] });
  });
});

describe("allow-list helpers", () => {
  it("store the seed's shape under the contract's ids, normalized, without duplicates", async () => {
    expect(await addToAllowList("phone", "+1 415 555 0150")).toBe(true);
    expect(await addToAllowList("phone", "+14155550150")).toBe(false);
    const { metadata } = await UserMetadata.getUserMetadata("phoneNumberAllowList");
    expect(metadata.allowList).toContain("+14155550150");
    expect((metadata.allowList as string[]).filter((p) => p === "+14155550150")).toHaveLength(1);
    expect(await removeFromAllowList("phone", "+14155550150")).toBe(true);
    expect(await removeFromAllowList("phone", "+14155550150")).toBe(false);
  });

  it("merge instead of overwriting: concurrent adds all survive, and other keys in the metadata are kept", async () => {
    const id = allowListUserId("email", "race");
    await UserMetadata.updateUserMetadata(id, { note: "kept" });
    const emails = Array.from({ length: 8 }, (_, i) => `user${i}@example.com`);
    await Promise.all(emails.map((email) => addToAllowList("email", email, { tenantId: "race" })));
    expect((await getAllowList("email", { tenantId: "race" })).sort()).toEqual([...emails].sort());
    expect((await UserMetadata.getUserMetadata(id)).metadata.note).toBe("kept");
  });

  it("an edit made by someone else between two of ours is not lost", async () => {
    await addToAllowList("email", "first@example.com", { tenantId: "merge" });
    // Another writer (the console) replaces the array with its own read-modify-write.
    await UserMetadata.updateUserMetadata(allowListUserId("email", "merge"), { allowList: ["first@example.com", "console@example.com"] });
    await addToAllowList("email", "second@example.com", { tenantId: "merge" });
    expect(await getAllowList("email", { tenantId: "merge" })).toEqual(["first@example.com", "console@example.com", "second@example.com"]);
  });
});
