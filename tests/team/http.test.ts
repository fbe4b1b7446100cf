/**
 * The team routes and the request door over real HTTP, with a browser-like client: cookies are
 * httpOnly, SameSite=Strict, Secure with __Host- over TLS, and the token is never in a body; a
 * state-changing request without the session's CSRF token, with another session's, with a forged
 * session, from another origin, or after the session expired is refused; sign-in pauses answer
 * 429 with Retry-After; removing an operator ends their next request at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenFor } from "../../main/team/sessions/csrf.ts";
import { newToken } from "../../main/team/tokens.ts";
import { base32Decode } from "../../main/team/totp/base32.ts";
import { totpAt } from "../../main/team/totp/totp.ts";
import type { Caller } from "../../main/team/types.ts";
import { startTeamFixture, type TeamFixture } from "./support/team-fixture.ts";
import { Browser, startTeamHttp, type TeamHttp } from "./support/team-http.ts";

let f: TeamFixture;
let http: TeamHttp;
let admin: Caller;
let wes: { userId: string; password: string };

beforeAll(async () => {
  f = await startTeamFixture();
  http = await startTeamHttp(f.team, { trustedProxies: ["127.0.0.1"] });
  const a = await f.operator("admin@example.com", "admin");
  admin = (await f.signIn("admin@example.com", a.password)).caller;
  wes = await f.operator("wes@example.com", "support");
});
afterAll(async () => {
  await http.close();
  await f.close();
});

async function signedIn(): Promise<Browser> {
  const b = new Browser(http.origin);
  const answer = await b.post("/api/team/sign-in", { email: "wes@example.com", password: wes.password });
  expect(answer.status).toBe(200);
  return b;
}

describe("signing in over HTTP", () => {
  it("answers a wrong password with 401 and no cookie, then the right one with an httpOnly, SameSite=Strict session cookie", async () => {
    const b = new Browser(http.origin);
    const wrong = await b.post("/api/team/sign-in", { email: "wes@example.com", password: "not it at all" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: "SIGN_IN_FAILED", message: "The email or password is not right." });
    expect(wrong.setCookies).toEqual([]);

    const right = await b.post("/api/team/sign-in", { email: "wes@example.com", password: wes.password });
    expect(right.status).toBe(200);
    expect(right.setCookies).toHaveLength(1);
    const [cookie = ""] = right.setCookies;
    const token = b.cookies.get("gatehouse-session") ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toBe(`gatehouse-session=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200`);
    expect(right.body.value).toEqual({
      step: "signed-in",
      operator: { userId: wes.userId, email: "wes@example.com", role: "support", sessionId: expect.stringMatching(/^[0-9a-f]{16}$/), secondFactor: false },
      csrfToken: csrfTokenFor(token),
      expiresAt: f.now() + 12 * 3_600_000,
    });
    expect(JSON.stringify(right.body)).not.toContain(token);
    expect(right.headers.get("cache-control")).toBe("no-store");
  });

  it("refuses a sign-in from another origin, and a body that is not JSON", async () => {
    const b = new Browser(http.origin);
    const crossSite = await b.post("/api/team/sign-in", { email: "wes@example.com", password: wes.password }, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.setCookies).toEqual([]);
    const form = await b.send("POST", "/api/team/sign-in", "email=wes@example.com", { origin: http.origin, "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(400);
    expect(form.body.error?.message).toMatch(/application\/json/);
  });

  it("pauses with 429 and Retry-After, and takes the address from a trusted proxy's X-Forwarded-For", async () => {
    const b = new Browser(http.origin);
    const forwarded = { "x-forwarded-for": "203.0.113.77, 127.0.0.1" };
    for (let i = 0; i < 4; i++) expect((await b.post("/api/team/sign-in", { email: "nobody@example.com", password: "guess" }, forwarded)).status).toBe(401);
    const paused = await b.post("/api/team/sign-in", { email: "nobody@example.com", password: "guess" }, forwarded);
    expect(paused.status).toBe(429);
    expect(paused.headers.get("retry-after")).toBe("60");
    expect(paused.body.error).toMatchObject({ code: "RATE_LIMITED", retryAfterSec: 60 });
    expect(f.audit().at(-1)).toMatchObject({ operation: "team.signIn", operator: "nobody@example.com", address: "203.0.113.77" });
  });
});

describe("the request door", () => {
  it("refuses a state-changing request without a session, without the CSRF token, or with another session's, and takes the right one", async () => {
    const anonymous = new Browser(http.origin);
    expect((await anonymous.post("/api/probe")).body.error?.code).toBe("UNAUTHENTICATED");

    const b = await signedIn();
    const other = await signedIn();
    const csrf = b.csrf;
    b.csrf = undefined;
    const missing = await b.post("/api/probe");
    expect([missing.status, missing.body.error?.code]).toEqual([403, "CSRF"]);
    expect(missing.body.error?.message).toMatch(/no CSRF token/);
    const forged = await b.post("/api/probe", {}, { "x-csrf-token": other.csrf ?? "" });
    expect([forged.status, forged.body.error?.code]).toEqual([403, "CSRF"]);
    expect((await b.post("/api/probe", {}, { "x-csrf-token": `${csrf ?? ""}x` })).status).toBe(403);

    b.csrf = csrf;
    const ok = await b.post("/api/probe");
    expect(ok.status).toBe(200);
    expect(ok.body.value).toEqual({ email: "wes@example.com", role: "support", address: "127.0.0.1" });
    // A read needs the session, not the CSRF token; GET /api/team/session gives the token to a reloaded page.
    b.csrf = undefined;
    const session = await b.get("/api/team/session");
    expect(session.body.value).toMatchObject({ operator: { email: "wes@example.com" }, csrfToken: csrf });
  });

  it("refuses a forged session cookie even with the CSRF token made for it, and clears it", async () => {
    const b = new Browser(http.origin);
    const forgedToken = newToken();
    b.cookies.set("gatehouse-session", forgedToken);
    const answer = await b.post("/api/probe", {}, { "x-csrf-token": csrfTokenFor(forgedToken) });
    expect([answer.status, answer.body.error?.code]).toEqual([401, "UNAUTHENTICATED"]);
    const viaRoute = await b.get("/api/team/session");
    expect(viaRoute.status).toBe(401);
    expect(viaRoute.setCookies).toEqual(["gatehouse-session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"]);
  });

  it("refuses an expired session", async () => {
    const b = await signedIn();
    f.advance(30 * 60_000);
    const answer = await b.post("/api/probe");
    expect(answer.status).toBe(401);
    expect(answer.body.error?.message).toMatch(/without activity/);
  });

  it("signs out (the cookie cleared, the old token refused) and out everywhere", async () => {
    const b = await signedIn();
    const elsewhere = await signedIn();
    const token = b.cookies.get("gatehouse-session") ?? "";
    expect((await b.post("/api/team/sign-out")).setCookies).toEqual(["gatehouse-session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"]);
    b.cookies.set("gatehouse-session", token);
    expect((await b.post("/api/probe")).status).toBe(401);
    expect((await elsewhere.post("/api/probe")).status).toBe(200);

    const third = await signedIn();
    expect((await elsewhere.post("/api/team/sign-out-everywhere")).body.value).toEqual({ endedSessions: 2 });
    expect((await third.post("/api/probe")).status).toBe(401);
  });

  it("ends a removed operator's next request at once", async () => {
    const b = await signedIn();
    expect((await b.post("/api/probe")).status).toBe(200);
    await f.team.admin.remove(admin, { userId: wes.userId });
    const after = await b.post("/api/probe");
    expect([after.status, after.body.error?.code]).toEqual([401, "UNAUTHENTICATED"]);
    wes = await f.operator("wes@example.com", "support");
  });
});

describe("the second factor over HTTP", () => {
  it("enrols and confirms with the CSRF token, then signs in in two steps with a challenge cookie", async () => {
    const b = await signedIn();
    const noCsrf = await b.post("/api/team/second-factor/enrol", {}, { "x-csrf-token": "" });
    expect(noCsrf.status).toBe(403);
    const enrol = await b.post("/api/team/second-factor/enrol");
    const secret = base32Decode(String(enrol.body.value?.secret));
    expect((await b.post("/api/team/second-factor/confirm", { code: totpAt(secret, f.now() + 90_000) })).status).toBe(400);
    expect((await b.post("/api/team/second-factor/confirm", { code: totpAt(secret, f.now()) })).body.value).toEqual({ secondFactor: true });

    f.advance(30_000);
    const c = new Browser(http.origin);
    const first = await c.post("/api/team/sign-in", { email: "wes@example.com", password: wes.password });
    expect(first.body.value).toEqual({ step: "second-factor", expiresAt: f.now() + 300_000 });
    expect(first.setCookies).toEqual([expect.stringMatching(/^gatehouse-sign-in=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=300$/)]);
    expect(c.cookies.has("gatehouse-session")).toBe(false);
    expect((await c.post("/api/probe")).status).toBe(401);

    const second = await c.post("/api/team/sign-in/code", { code: totpAt(secret, f.now()) });
    expect(second.status).toBe(200);
    expect(second.body.value).toMatchObject({ step: "signed-in", operator: { email: "wes@example.com", secondFactor: true } });
    expect(c.cookies.has("gatehouse-sign-in")).toBe(false);
    expect((await c.post("/api/probe")).body.value).toMatchObject({ email: "wes@example.com" });
  });
});

describe("over TLS", () => {
  it("names the cookies __Host- and marks them Secure", async () => {
    const tls = await startTeamHttp(f.team, { secure: true });
    try {
      const b = new Browser(tls.origin);
      const bob = await f.operator("bob@example.com", "auditor");
      const answer = await b.post("/api/team/sign-in", { email: "bob@example.com", password: bob.password });
      expect(answer.setCookies).toEqual([expect.stringMatching(/^__Host-gatehouse-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/)]);
      expect((await b.post("/api/probe")).status).toBe(200);
      // The plain name is not taken on a TLS server.
      const plain = new Browser(tls.origin);
      plain.cookies.set("gatehouse-session", b.cookies.get("__Host-gatehouse-session") ?? "");
      plain.csrf = b.csrf;
      expect((await plain.post("/api/probe")).status).toBe(401);
    } finally {
      await tls.close();
    }
  });
});
