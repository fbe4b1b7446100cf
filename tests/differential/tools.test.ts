/**
 * The differential test's own parts: a seed always gives the same script; the shrinker finds a
 * short failing sequence; the normalizer keeps relations (same id, same placeholder) and hides
 * what differs by nature; the model flags answers that break the Core's rules.
 */
import { describe, expect, it } from "vitest";
import { generate } from "./catalogue.ts";
import { Model } from "./model.ts";
import { Normalizer } from "./normalize.ts";
import { formatOp, type Op } from "./op.ts";
import { shrink } from "./shrink.ts";
import { World } from "./world.ts";

const core = { url: "http://127.0.0.1:1" };

describe("generator", () => {
  it("gives the same sequence for the same seed, another for another seed", () => {
    expect(generate(7, 120)).toEqual(generate(7, 120));
    expect(generate(7, 120)).not.toEqual(generate(8, 120));
    expect(generate(7, 50)).toHaveLength(50);
  });

  it("prints a step as one readable call with symbols", () => {
    const op: Op = { k: "EmailPassword.signUp", a: { tenant: "$T1", email: "$E2", password: "Password123!" } };
    expect(formatOp(op)).toBe('EmailPassword.signUp(tenant=T1, email=E2, password="Password123!")');
  });

  it("resolves symbols against the run: namespaced values, created users, external ids once mapped", () => {
    const w = new World("dabcx", core);
    expect(w.resolve({ t: "$T1^", e: "$E1", s: "{ns}-s", u: "$U0" })).toEqual({ t: "T1-DABCX", e: "dabcx-e1@example.com", s: "dabcx-s", u: "dabcx-nobody" });
    w.addUser("id-1");
    w.mappings.set("id-1", "ext-1");
    expect(w.resolve(["$U3", "$U3*"])).toEqual(["id-1", "ext-1"]);
  });
});

describe("shrinker", () => {
  it("keeps the failing last step and only the earlier steps it needs", async () => {
    const ops: Op[] = Array.from({ length: 40 }, (_, i) => ({ k: `step${i}`, a: {} }));
    // Fails when steps 3 and 17 both come before the last one.
    const fails = async (c: Op[]) => c.some((o) => o.k === "step3") && c.some((o) => o.k === "step17");
    const out = await shrink([...ops.slice(0, 30), { k: "last", a: {} }], fails);
    expect(out.map((o) => o.k)).toEqual(["step3", "step17", "last"]);
  });
});

describe("normalizer", () => {
  it("names generated ids and tokens after the step that first showed them, and replaces the namespace and phones", () => {
    const w = new World("dabcx", core);
    const n = new Normalizer(w);
    const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const other = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    expect(n.outcome({ user: { id, email: "dabcx-e1@example.com", phone: w.phones[0], timeJoined: 1_700_000_000_000 } })).toEqual({
      user: { id: "<id@1.1>", email: "{ns}-e1@example.com", phone: "{P0}", timeJoined: "<time>" },
    });
    expect(n.outcome([other, id, { token: "abc" }, { token: "abc" }])).toEqual(["<id@2.1>", "<id@1.1>", { token: "<token@2.2>" }, { token: "<token@2.2>" }]);
  });

  it("sorts lists of ids and users who joined in the same millisecond by their names (random ids order them on a Core)", () => {
    const n = new Normalizer(new World("dabcx", core));
    const [a, b] = ["0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7"];
    n.outcome([a, b]);
    expect(n.outcome([b, a])).toEqual(["<id@1.1>", "<id@1.2>"]);
    expect(n.outcome([{ id: b, timeJoined: 5 }, { id: a, timeJoined: 5 }, { id: a, timeJoined: 4 }])).toEqual([
      { id: "<id@1.1>", timeJoined: "<time>" },
      { id: "<id@1.2>", timeJoined: "<time>" },
      { id: "<id@1.1>", timeJoined: "<time>" },
    ]);
  });
});

describe("model", () => {
  const user = (id: string, email: string, tenant = "public") => ({
    id,
    isPrimaryUser: false,
    tenantIds: [tenant],
    emails: [email],
    phoneNumbers: [],
    timeJoined: 1,
    loginMethods: [{ recipeId: "emailpassword", recipeUserId: id, tenantIds: [tenant], email, timeJoined: 1, verified: false }],
  });

  it("finds a user it saw created, and flags a Core that loses it", () => {
    const m = new Model("dabcx");
    const email = "dabcx-e0@example.com";
    expect(m.step("EmailPassword.signUp", { tenant: "public", email: ` ${email.toUpperCase()} `, password: "pw" }, { ok: { status: "OK", user: user("u1", email) } })).toEqual([]);
    expect(m.step("getUser", { user: "u1" }, { ok: user("u1", email) })).toEqual([]);
    expect(m.step("getUser", { user: "u1" }, { ok: null })[0]).toMatch(/found nobody/);
    expect(m.step("EmailPassword.signIn", { tenant: "public", email, password: "pw" }, { ok: { status: "WRONG_CREDENTIALS_ERROR" } })[0]).toMatch(/failed/);
  });

  it("knows metadata is a shallow merge where null deletes and an updated key moves to the end", () => {
    const m = new Model("dabcx");
    const id = "dabcx-s0";
    expect(m.step("UserMetadata.updateUserMetadata", { user: id, update: { a: 1, b: { c: 1 } } }, { ok: { status: "OK", metadata: { a: 1, b: { c: 1 } } } })).toEqual([]);
    expect(m.step("UserMetadata.updateUserMetadata", { user: id, update: { a: 2, b: null } }, { ok: { status: "OK", metadata: { a: 2 } } })).toEqual([]);
    expect(m.step("UserMetadata.getUserMetadata", { user: id }, { ok: { status: "OK", metadata: { a: 2, b: { c: 1 } } } })[0]).toMatch(/expected \{"a":2\}/);
  });

  it("flags a 5xx, an unknown status and a raw error that is not the Core's one-line text", () => {
    const m = new Model("dabcx");
    const thrown = "SuperTokens core threw an error for a GET request to path: '/user/id' with status code: 500 and message: boom\n";
    expect(m.step("getUser", { user: "x" }, { threw: thrown })[0]).toMatch(/answered 500/);
    expect(m.step("UserRoles.deleteRole", { role: "x" }, { ok: { status: "WHATEVER" } })[0]).toMatch(/not one of OK/);
    const raw = { status: 400, contentType: "application/json", body: { message: "bad" } };
    expect(m.step("raw", { method: "POST" }, { ok: raw })).toHaveLength(2);
  });
});
