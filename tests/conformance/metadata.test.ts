/**
 * UserMetadata conformance: get/update/clear through supertokens-node, and the bulk read
 * (POST /recipe/user/metadata/bulk, which has no SDK wrapper) over raw HTTP with the SDK's headers.
 * Expected behaviour: shared/core-fixtures (README "Metadata", exchanges meta.*).
 */
import { randomUUID } from "node:crypto";
import UserMetadata, { type JSONObject } from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";

let core: TestCore;
const run = randomUUID().slice(0, 8);
let counter = 0;
/** A synthetic (non-user) metadata id, like the seeds' allow-list ids. */
const syntheticId = (prefix = "emailAllowList"): string => `${prefix}-${run}-${++counter}`;

beforeAll(async () => {
  core = await startTestCore();
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  await core?.close();
});

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/** POST to the core with exactly the headers supertokens-node sends. */
async function rawPost(path: string, body: unknown): Promise<RawResponse> {
  const headers: Record<string, string> = {
    "cdi-version": "5.4",
    rid: "usermetadata",
    "content-type": "application/json; charset=utf-8",
  };
  if (core.apiKey) headers["api-key"] = core.apiKey;
  const res = await fetch(`${core.url.replace(/\/$/, "")}${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}

describe("UserMetadata get / update / clear", () => {
  it("get of an id that never had metadata returns {} with status OK", async () => {
    expect(await UserMetadata.getUserMetadata(syntheticId())).toEqual({ status: "OK", metadata: {} });
  });

  it("the first update creates the metadata and returns it", async () => {
    const id = syntheticId();
    const created = await UserMetadata.updateUserMetadata(id, { allowList: ["a@example.com", "b@example.com"] });
    expect(created).toEqual({ status: "OK", metadata: { allowList: ["a@example.com", "b@example.com"] } });
    expect(await UserMetadata.getUserMetadata(id)).toEqual({
      status: "OK",
      metadata: { allowList: ["a@example.com", "b@example.com"] },
    });
  });

  it("an update is a shallow merge at the top level", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { a: 1, b: "two" });
    const merged = await UserMetadata.updateUserMetadata(id, { c: true });
    expect(merged).toEqual({ status: "OK", metadata: { a: 1, b: "two", c: true } });
    expect((await UserMetadata.getUserMetadata(id)).metadata).toEqual({ a: 1, b: "two", c: true });
  });

  it("a nested object is replaced whole, not merged", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { keep: 1, nested: { a: 1, b: { deep: true } } });
    const res = await UserMetadata.updateUserMetadata(id, { nested: { c: 3 } });
    expect(res.metadata).toEqual({ keep: 1, nested: { c: 3 } });
    expect((await UserMetadata.getUserMetadata(id)).metadata).toEqual({ keep: 1, nested: { c: 3 } });
  });

  it("an array is replaced whole, not appended to", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { allowList: ["a@example.com", "b@example.com"] });
    const res = await UserMetadata.updateUserMetadata(id, { allowList: ["c@example.com"] });
    expect(res.metadata).toEqual({ allowList: ["c@example.com"] });
    expect((await UserMetadata.getUserMetadata(id)).metadata).toEqual({ allowList: ["c@example.com"] });
  });

  it("a top-level null deletes the key", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { other: 1, allowList: ["c@example.com"] });
    const res = await UserMetadata.updateUserMetadata(id, { other: null });
    expect(res.metadata).toEqual({ allowList: ["c@example.com"] });
    const after = (await UserMetadata.getUserMetadata(id)).metadata as Record<string, unknown>;
    expect(after).toEqual({ allowList: ["c@example.com"] });
    expect(Object.keys(after)).not.toContain("other");
  });

  it("a top-level null for a key that does not exist changes nothing", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { x: 1 });
    const res = await UserMetadata.updateUserMetadata(id, { missing: null });
    expect(res.metadata).toEqual({ x: 1 });
  });

  it("a nested null is stored as null", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { nested: { c: 3 } });
    const res = await UserMetadata.updateUserMetadata(id, { nested: { c: null } });
    expect(res.metadata).toEqual({ nested: { c: null } });
    const after = (await UserMetadata.getUserMetadata(id)).metadata as { nested: Record<string, unknown> };
    expect(after).toEqual({ nested: { c: null } });
    expect(Object.keys(after.nested)).toEqual(["c"]);
    expect(after.nested.c).toBeNull();
  });

  it("{} changes nothing (values and key order)", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { z: 1, a: [1, 2], m: { k: "v" } });
    const before = (await UserMetadata.getUserMetadata(id)).metadata as Record<string, unknown>;
    const res = await UserMetadata.updateUserMetadata(id, {});
    expect(res).toEqual({ status: "OK", metadata: { z: 1, a: [1, 2], m: { k: "v" } } });
    expect(Object.keys(res.metadata)).toEqual(Object.keys(before));
    const after = (await UserMetadata.getUserMetadata(id)).metadata as Record<string, unknown>;
    expect(after).toEqual(before);
    expect(Object.keys(after)).toEqual(["z", "a", "m"]);
  });

  it("{} on an id without metadata returns {}", async () => {
    const id = syntheticId();
    expect(await UserMetadata.updateUserMetadata(id, {})).toEqual({ status: "OK", metadata: {} });
    expect(await UserMetadata.getUserMetadata(id)).toEqual({ status: "OK", metadata: {} });
  });

  it("an updated key moves to the end of the object", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { allowList: ["a@example.com"] });
    await UserMetadata.updateUserMetadata(id, { other: 1, nested: { a: 1 } });
    expect(Object.keys((await UserMetadata.getUserMetadata(id)).metadata)).toEqual(["allowList", "other", "nested"]);

    const res = await UserMetadata.updateUserMetadata(id, { allowList: ["c@example.com"] });
    expect(Object.keys(res.metadata)).toEqual(["other", "nested", "allowList"]);
    expect(Object.keys((await UserMetadata.getUserMetadata(id)).metadata)).toEqual(["other", "nested", "allowList"]);

    const res2 = await UserMetadata.updateUserMetadata(id, { other: 2 });
    expect(Object.keys(res2.metadata)).toEqual(["nested", "allowList", "other"]);
    expect(res2.metadata).toEqual({ nested: { a: 1 }, allowList: ["c@example.com"], other: 2 });
  });

  it("the fixture's update sequence gives the recorded results", async () => {
    // meta.update.* in exchanges.jsonl, step by step.
    const id = syntheticId();
    const step = async (update: JSONObject) => (await UserMetadata.updateUserMetadata(id, update)).metadata;
    let m = await step({ allowList: ["a@example.com", "b@example.com"] });
    m = await step({ other: 1, nested: { a: 1, b: { x: 1 } } });
    m = await step({ nested: { c: 3 } });
    expect(m).toEqual({ allowList: ["a@example.com", "b@example.com"], other: 1, nested: { c: 3 } });
    expect(Object.keys(m)).toEqual(["allowList", "other", "nested"]);
    m = await step({ allowList: ["c@example.com"] });
    expect(Object.keys(m)).toEqual(["other", "nested", "allowList"]);
    m = await step({ other: null });
    expect(m).toEqual({ nested: { c: 3 }, allowList: ["c@example.com"] });
    expect(Object.keys(m)).toEqual(["nested", "allowList"]);
    m = await step({ nested: { c: null } });
    m = await step({});
    expect(m).toEqual({ allowList: ["c@example.com"], nested: { c: null } });
    expect(Object.keys(m)).toEqual(["allowList", "nested"]);
  });

  it("JSON value types round-trip unchanged", async () => {
    const id = syntheticId();
    const value = { s: "str", n: 1.5, i: -3, b: false, t: true, arr: [1, "x", null, { k: [] }], o: {}, u: "ünïcødé ✓" };
    expect((await UserMetadata.updateUserMetadata(id, value)).metadata).toEqual(value);
    expect((await UserMetadata.getUserMetadata(id)).metadata).toEqual(value);
  });

  it("any string is a valid id (no user needed), ids are independent", async () => {
    const a = syntheticId("phoneNumberAllowList");
    const b = `${a}:t`;
    await UserMetadata.updateUserMetadata(a, { allowList: ["+14155550100"] });
    await UserMetadata.updateUserMetadata(b, { allowList: ["+14155550101"] });
    expect((await UserMetadata.getUserMetadata(a)).metadata).toEqual({ allowList: ["+14155550100"] });
    expect((await UserMetadata.getUserMetadata(b)).metadata).toEqual({ allowList: ["+14155550101"] });
  });

  it("clear removes all metadata; get afterwards returns {}", async () => {
    const id = syntheticId();
    await UserMetadata.updateUserMetadata(id, { allowList: ["a@example.com"], x: 1 });
    expect(await UserMetadata.clearUserMetadata(id)).toEqual({ status: "OK" });
    expect(await UserMetadata.getUserMetadata(id)).toEqual({ status: "OK", metadata: {} });
    // After a clear, the next update starts from scratch.
    expect((await UserMetadata.updateUserMetadata(id, { y: 2 })).metadata).toEqual({ y: 2 });
  });

  it("clear on an id that never had metadata returns OK", async () => {
    expect(await UserMetadata.clearUserMetadata(syntheticId("neverHadMetadata"))).toEqual({ status: "OK" });
  });
});

describe("POST /recipe/user/metadata/bulk (raw)", () => {
  it("returns every requested id, with metadata null for ids without metadata", async () => {
    const a = syntheticId();
    const b = syntheticId("otherSyntheticId");
    const nobody = syntheticId("nobody");
    await UserMetadata.updateUserMetadata(a, { allowList: ["c@example.com"], nested: { c: null } });
    await UserMetadata.updateUserMetadata(b, { x: 1 });

    const res = await rawPost("/recipe/user/metadata/bulk", { userIds: [a, b, nobody] });
    expect(res.status).toBe(200);
    expect(res.contentType.toLowerCase()).toContain("application/json");
    const body = JSON.parse(res.text) as { status: string; users: { userId: string; metadata: unknown }[] };
    expect(Object.keys(body).sort()).toEqual(["status", "users"]);
    expect(body.status).toBe("OK");
    expect(body.users).toHaveLength(3);
    const byId = new Map(body.users.map((u) => [u.userId, u]));
    expect(byId.get(a)).toEqual({ userId: a, metadata: { allowList: ["c@example.com"], nested: { c: null } } });
    expect(byId.get(b)).toEqual({ userId: b, metadata: { x: 1 } });
    expect(byId.get(nobody)).toEqual({ userId: nobody, metadata: null });
    expect(byId.has(nobody)).toBe(true);
  });

  it("a cleared id reads as null", async () => {
    const a = syntheticId();
    await UserMetadata.updateUserMetadata(a, { x: 1 });
    await UserMetadata.clearUserMetadata(a);
    const res = await rawPost("/recipe/user/metadata/bulk", { userIds: [a] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ status: "OK", users: [{ userId: a, metadata: null }] });
  });

  it("an empty userIds array returns an empty users array", async () => {
    const res = await rawPost("/recipe/user/metadata/bulk", { userIds: [] });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ status: "OK", users: [] });
  });

  it("non-string ids give 400 'userIds array must contain only strings'", async () => {
    const res = await rawPost("/recipe/user/metadata/bulk", { userIds: [1, 2] });
    expect(res.status).toBe(400);
    expect(res.text).toBe("userIds array must contain only strings\n");
    expect(res.contentType.toLowerCase()).toContain("text/html");
  });

  it("a missing userIds field gives 400 'Field name 'userIds' is invalid in JSON input'", async () => {
    const res = await rawPost("/recipe/user/metadata/bulk", {});
    expect(res.status).toBe(400);
    expect(res.text).toBe("Field name 'userIds' is invalid in JSON input\n");
    expect(res.contentType.toLowerCase()).toContain("text/html");
  });
});
