/**
 * UserIdMapping conformance through supertokens-node.
 * Expected behaviour: shared/core-fixtures (README "User id mapping", exchanges map.*, del.deleteUserIdMapping.*,
 * session.create.epUserMapped.*).
 */
import { randomUUID } from "node:crypto";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";

let core: TestCore;
const run = randomUUID().slice(0, 8);
let counter = 0;
const uniq = (prefix: string): string => `${prefix}-${run}-${++counter}`;
const PASSWORD = "Password123!";

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  await core?.close();
});

/** The message supertokens-node throws for a non-2xx Core answer. */
const coreError = (method: string, path: string, status: number, text: string): string =>
  `SuperTokens core threw an error for a ${method} request to path: '${path}' with status code: ${status} and message: ${text}\n`;

interface EpUser {
  email: string;
  stId: string;
}

async function signUp(): Promise<EpUser> {
  const email = `${uniq("migrated")}@example.com`;
  const res = await EmailPassword.signUp("public", email, PASSWORD);
  if (res.status !== "OK") throw new Error(`signUp failed: ${res.status}`);
  return { email, stId: res.user.id };
}

/** A signed-up user mapped to a fresh external id. */
async function mappedUser(info?: string): Promise<EpUser & { ext: string }> {
  const u = await signUp();
  const ext = uniq("legacy-user");
  expect(
    await supertokens.createUserIdMapping({
      superTokensUserId: u.stId,
      externalUserId: ext,
      ...(info !== undefined ? { externalUserIdInfo: info } : {}),
    }),
  ).toEqual({ status: "OK" });
  return { ...u, ext };
}

describe("createUserIdMapping", () => {
  it("creates a mapping with externalUserIdInfo", async () => {
    const u = await signUp();
    const ext = uniq("legacy-user");
    expect(
      await supertokens.createUserIdMapping({
        superTokensUserId: u.stId,
        externalUserId: ext,
        externalUserIdInfo: "from legacy db",
      }),
    ).toEqual({ status: "OK" });
    expect(await supertokens.getUserIdMapping({ userId: u.stId, userIdType: "SUPERTOKENS" })).toEqual({
      status: "OK",
      superTokensUserId: u.stId,
      externalUserId: ext,
      externalUserIdInfo: "from legacy db",
    });
  });

  it("conflicts give USER_ID_MAPPING_ALREADY_EXISTS_ERROR with both flags", async () => {
    const u = await mappedUser();
    expect(await supertokens.createUserIdMapping({ superTokensUserId: u.stId, externalUserId: u.ext })).toEqual({
      status: "USER_ID_MAPPING_ALREADY_EXISTS_ERROR",
      doesSuperTokensUserIdExist: true,
      doesExternalUserIdExist: true,
    });
    expect(
      await supertokens.createUserIdMapping({ superTokensUserId: u.stId, externalUserId: uniq("legacy-user-x") }),
    ).toEqual({
      status: "USER_ID_MAPPING_ALREADY_EXISTS_ERROR",
      doesSuperTokensUserIdExist: true,
      doesExternalUserIdExist: false,
    });
    const other = await signUp();
    expect(await supertokens.createUserIdMapping({ superTokensUserId: other.stId, externalUserId: u.ext })).toEqual({
      status: "USER_ID_MAPPING_ALREADY_EXISTS_ERROR",
      doesSuperTokensUserIdExist: false,
      doesExternalUserIdExist: true,
    });
    // The failed attempts changed nothing.
    expect(await supertokens.getUserIdMapping({ userId: other.stId, userIdType: "SUPERTOKENS" })).toEqual({
      status: "UNKNOWN_MAPPING_ERROR",
    });
  });

  it("an unknown SuperTokens id gives UNKNOWN_SUPERTOKENS_USER_ID_ERROR", async () => {
    expect(
      await supertokens.createUserIdMapping({ superTokensUserId: randomUUID(), externalUserId: uniq("legacy-user") }),
    ).toEqual({ status: "UNKNOWN_SUPERTOKENS_USER_ID_ERROR" });
  });

  it("an externalId that is another user's SuperTokens id is refused (400)", async () => {
    const a = await signUp();
    const b = await signUp();
    await expect(supertokens.createUserIdMapping({ superTokensUserId: a.stId, externalUserId: b.stId })).rejects.toThrow(
      coreError(
        "POST",
        "/recipe/userid/map",
        400,
        "Cannot create a userId mapping where the externalId is also a SuperTokens userID",
      ),
    );
    expect(await supertokens.getUserIdMapping({ userId: a.stId })).toEqual({ status: "UNKNOWN_MAPPING_ERROR" });
  });

  it("metadata on the SuperTokens id blocks the mapping unless force is set", async () => {
    const u = await signUp();
    const ext = uniq("legacy-user");
    expect(await UserMetadata.updateUserMetadata(u.stId, { plan: "pro" })).toEqual({
      status: "OK",
      metadata: { plan: "pro" },
    });

    await expect(supertokens.createUserIdMapping({ superTokensUserId: u.stId, externalUserId: ext })).rejects.toThrow(
      coreError("POST", "/recipe/userid/map", 400, "UserId is already in use in UserMetadata recipe"),
    );
    expect(await supertokens.getUserIdMapping({ userId: u.stId })).toEqual({ status: "UNKNOWN_MAPPING_ERROR" });

    expect(await supertokens.createUserIdMapping({ superTokensUserId: u.stId, externalUserId: ext, force: true })).toEqual(
      { status: "OK" },
    );
    // The metadata stays under the SuperTokens id; the external id reads as {}.
    expect(await UserMetadata.getUserMetadata(u.stId)).toEqual({ status: "OK", metadata: { plan: "pro" } });
    expect(await UserMetadata.getUserMetadata(ext)).toEqual({ status: "OK", metadata: {} });
  });

  it("metadata written before the mapping under an unrelated id does not block it", async () => {
    const u = await signUp();
    await UserMetadata.updateUserMetadata(uniq("emailAllowList"), { allowList: [u.email] });
    expect(await supertokens.createUserIdMapping({ superTokensUserId: u.stId, externalUserId: uniq("legacy-user") })).toEqual({
      status: "OK",
    });
  });
});

describe("getUserIdMapping", () => {
  it("finds the mapping by SUPERTOKENS, EXTERNAL and ANY", async () => {
    const u = await mappedUser("from legacy db");
    const expected = { status: "OK", superTokensUserId: u.stId, externalUserId: u.ext, externalUserIdInfo: "from legacy db" };
    expect(await supertokens.getUserIdMapping({ userId: u.stId, userIdType: "SUPERTOKENS" })).toEqual(expected);
    expect(await supertokens.getUserIdMapping({ userId: u.ext, userIdType: "EXTERNAL" })).toEqual(expected);
    expect(await supertokens.getUserIdMapping({ userId: u.stId, userIdType: "ANY" })).toEqual(expected);
    expect(await supertokens.getUserIdMapping({ userId: u.ext, userIdType: "ANY" })).toEqual(expected);
    expect(await supertokens.getUserIdMapping({ userId: u.stId })).toEqual(expected);
    expect(await supertokens.getUserIdMapping({ userId: u.ext })).toEqual(expected);
  });

  it("a mapping created without info has no externalUserIdInfo", async () => {
    const u = await mappedUser();
    const res = await supertokens.getUserIdMapping({ userId: u.ext, userIdType: "EXTERNAL" });
    expect(res).toEqual({ status: "OK", superTokensUserId: u.stId, externalUserId: u.ext });
    expect(res.status === "OK" && res.externalUserIdInfo).toBeFalsy();
  });

  it("the wrong id type gives UNKNOWN_MAPPING_ERROR", async () => {
    const u = await mappedUser();
    expect(await supertokens.getUserIdMapping({ userId: u.ext, userIdType: "SUPERTOKENS" })).toEqual({
      status: "UNKNOWN_MAPPING_ERROR",
    });
    expect(await supertokens.getUserIdMapping({ userId: u.stId, userIdType: "EXTERNAL" })).toEqual({
      status: "UNKNOWN_MAPPING_ERROR",
    });
  });

  it("an unknown id gives UNKNOWN_MAPPING_ERROR", async () => {
    expect(await supertokens.getUserIdMapping({ userId: uniq("no-such-user") })).toEqual({
      status: "UNKNOWN_MAPPING_ERROR",
    });
    // A user without a mapping is no mapping either.
    const u = await signUp();
    expect(await supertokens.getUserIdMapping({ userId: u.stId, userIdType: "SUPERTOKENS" })).toEqual({
      status: "UNKNOWN_MAPPING_ERROR",
    });
  });
});

describe("updateOrDeleteUserIdMappingInfo", () => {
  it("updates the info by EXTERNAL or SUPERTOKENS id", async () => {
    const u = await mappedUser("from legacy db");
    expect(
      await supertokens.updateOrDeleteUserIdMappingInfo({
        userId: u.ext,
        userIdType: "EXTERNAL",
        externalUserIdInfo: "updated info",
      }),
    ).toEqual({ status: "OK" });
    expect(await supertokens.getUserIdMapping({ userId: u.ext, userIdType: "EXTERNAL" })).toEqual({
      status: "OK",
      superTokensUserId: u.stId,
      externalUserId: u.ext,
      externalUserIdInfo: "updated info",
    });

    expect(
      await supertokens.updateOrDeleteUserIdMappingInfo({
        userId: u.stId,
        userIdType: "SUPERTOKENS",
        externalUserIdInfo: "info2",
      }),
    ).toEqual({ status: "OK" });
    expect(await supertokens.getUserIdMapping({ userId: u.stId })).toEqual({
      status: "OK",
      superTokensUserId: u.stId,
      externalUserId: u.ext,
      externalUserIdInfo: "info2",
    });
  });

  it("without externalUserIdInfo it removes the field", async () => {
    const u = await mappedUser("from legacy db");
    expect(await supertokens.updateOrDeleteUserIdMappingInfo({ userId: u.ext, userIdType: "EXTERNAL" })).toEqual({
      status: "OK",
    });
    const res = await supertokens.getUserIdMapping({ userId: u.ext, userIdType: "EXTERNAL" });
    expect(res).toEqual({ status: "OK", superTokensUserId: u.stId, externalUserId: u.ext });
    expect(Object.keys(res)).not.toContain("externalUserIdInfo");
  });

  it("an unknown id gives UNKNOWN_MAPPING_ERROR", async () => {
    expect(
      await supertokens.updateOrDeleteUserIdMappingInfo({
        userId: uniq("no-such-user"),
        userIdType: "EXTERNAL",
        externalUserIdInfo: "x",
      }),
    ).toEqual({ status: "UNKNOWN_MAPPING_ERROR" });
  });
});

describe("after mapping, the core returns the external id everywhere", () => {
  it("getUser by either id returns user.id and loginMethods[].recipeUserId = external id", async () => {
    const u = await mappedUser();
    for (const id of [u.stId, u.ext]) {
      const user = await supertokens.getUser(id);
      expect(user).toBeDefined();
      expect(user?.id).toBe(u.ext);
      expect(user?.emails).toEqual([u.email]);
      expect(user?.loginMethods).toHaveLength(1);
      expect(user?.loginMethods[0]?.recipeUserId.getAsString()).toBe(u.ext);
      expect(user?.loginMethods[0]?.recipeId).toBe("emailpassword");
      expect(user?.toJson()).toMatchObject({ id: u.ext, loginMethods: [{ recipeUserId: u.ext }] });
    }
  });

  it("user listing and listUsersByAccountInfo return the external id", async () => {
    const u = await mappedUser();
    const newest = await supertokens.getUsersNewestFirst({ tenantId: "public", query: { email: u.email } });
    expect(newest.users.map((x) => x.id)).toEqual([u.ext]);
    expect(newest.users[0]?.loginMethods[0]?.recipeUserId.getAsString()).toBe(u.ext);
    const oldest = await supertokens.getUsersOldestFirst({
      tenantId: "public",
      includeRecipeIds: ["emailpassword"],
      query: { email: u.email },
    });
    expect(oldest.users.map((x) => x.id)).toEqual([u.ext]);
    const byAccount = await supertokens.listUsersByAccountInfo("public", { email: u.email });
    expect(byAccount.map((x) => x.id)).toEqual([u.ext]);
  });

  it("EmailPassword.signIn returns the external id", async () => {
    const u = await mappedUser();
    const res = await EmailPassword.signIn("public", u.email, PASSWORD);
    expect(res.status).toBe("OK");
    if (res.status !== "OK") return;
    expect(res.user.id).toBe(u.ext);
    expect(res.recipeUserId.getAsString()).toBe(u.ext);
    expect(res.user.loginMethods[0]?.recipeUserId.getAsString()).toBe(u.ext);
  });

  it("a session created with the external id carries it as userId, sub and rsub", async () => {
    const u = await mappedUser();
    const session = await Session.createNewSessionWithoutRequestResponse(
      "public",
      supertokens.convertToRecipeUserId(u.ext),
    );
    expect(session.getUserId()).toBe(u.ext);
    expect(session.getRecipeUserId().getAsString()).toBe(u.ext);
    const payload = session.getAccessTokenPayload() as Record<string, unknown>;
    expect(payload.sub).toBe(u.ext);
    expect(payload.rsub).toBe(u.ext);

    const info = await Session.getSessionInformation(session.getHandle());
    expect(info?.userId).toBe(u.ext);
    expect(info?.recipeUserId.getAsString()).toBe(u.ext);

    // Session handles are found by the external id only.
    expect(await Session.getAllSessionHandlesForUser(u.ext)).toEqual([session.getHandle()]);
    expect(await Session.getAllSessionHandlesForUser(u.stId)).toEqual([]);
  });

  it("a session created with the SuperTokens id fails inside the SDK (UNKNOWN_USER_ID)", async () => {
    const u = await mappedUser();
    await expect(
      Session.createNewSessionWithoutRequestResponse("public", supertokens.convertToRecipeUserId(u.stId)),
    ).rejects.toThrow("UNKNOWN_USER_ID");
  });
});

describe("deleteUserIdMapping", () => {
  it("is refused while the external id has sessions unless force is set", async () => {
    const u = await mappedUser();
    const session = await Session.createNewSessionWithoutRequestResponse(
      "public",
      supertokens.convertToRecipeUserId(u.ext),
    );
    await expect(supertokens.deleteUserIdMapping({ userId: u.ext, userIdType: "EXTERNAL" })).rejects.toThrow(
      coreError("POST", "/recipe/userid/map/remove", 400, "UserId is already in use in Session recipe"),
    );
    expect((await supertokens.getUserIdMapping({ userId: u.ext })).status).toBe("OK");

    expect(await supertokens.deleteUserIdMapping({ userId: u.ext, userIdType: "EXTERNAL", force: true })).toEqual({
      status: "OK",
      didMappingExist: true,
    });
    expect(await supertokens.deleteUserIdMapping({ userId: u.ext, userIdType: "EXTERNAL", force: true })).toEqual({
      status: "OK",
      didMappingExist: false,
    });
    expect(await supertokens.getUserIdMapping({ userId: u.ext })).toEqual({ status: "UNKNOWN_MAPPING_ERROR" });
    expect(session.getHandle()).toBeTruthy();
  });

  it("without sessions it needs no force; a second delete gives didMappingExist false", async () => {
    const u = await mappedUser();
    expect(await supertokens.deleteUserIdMapping({ userId: u.ext })).toEqual({ status: "OK", didMappingExist: true });
    expect(await supertokens.deleteUserIdMapping({ userId: u.ext })).toEqual({ status: "OK", didMappingExist: false });
    expect(await supertokens.getUserIdMapping({ userId: u.stId })).toEqual({ status: "UNKNOWN_MAPPING_ERROR" });
    // The user is back to its SuperTokens id.
    const user = await supertokens.getUser(u.stId);
    expect(user?.id).toBe(u.stId);
    expect(user?.loginMethods[0]?.recipeUserId.getAsString()).toBe(u.stId);
    expect(await supertokens.getUser(u.ext)).toBeUndefined();
  });

  it("can delete by SuperTokens id", async () => {
    const u = await mappedUser();
    expect(await supertokens.deleteUserIdMapping({ userId: u.stId, userIdType: "SUPERTOKENS" })).toEqual({
      status: "OK",
      didMappingExist: true,
    });
    expect(await supertokens.getUserIdMapping({ userId: u.ext })).toEqual({ status: "UNKNOWN_MAPPING_ERROR" });
  });

  it("a mapping force-created over metadata can be deleted without force", async () => {
    const u = await signUp();
    const ext = uniq("legacy-user");
    await UserMetadata.updateUserMetadata(u.stId, { plan: "pro" });
    expect(await supertokens.createUserIdMapping({ superTokensUserId: u.stId, externalUserId: ext, force: true })).toEqual(
      { status: "OK" },
    );
    expect(await supertokens.deleteUserIdMapping({ userId: ext })).toEqual({ status: "OK", didMappingExist: true });
    expect(await UserMetadata.getUserMetadata(ext)).toEqual({ status: "OK", metadata: {} });
  });
});
