/**
 * The team server in-process on an ephemeral loopback port, over real HTTP, with the embedded
 * operator directory and the demo core: operators sign in (cookie + CSRF) and call the console's
 * operations as themselves; the role the server gives them decides, not the profile's; refusals
 * are audited with the operator's email and address; a request without a session, with a forged
 * or expired one, from another origin or without the CSRF token is refused; removing an operator
 * ends their session (and their event stream) at once; the renderer's files carry the CSP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenFor } from "../../main/team/sessions/csrf.ts";
import { newToken } from "../../main/team/tokens.ts";
import { SECURITY_HEADERS } from "../../main/server/security-headers.ts";
import type { Browser } from "../team/support/team-http.ts";
import { invoke, startServerFixture, type ServerFixture } from "./support/server-fixture.ts";

let f: ServerFixture;
let admin: Browser;
let support: Browser;
let auditor: Browser;
const ADMIN = "ada@example.com";
const SUPPORT = "sam@example.com";
const AUDITOR = "aud@example.com";
const SUPPORT_ADDRESS = "203.0.113.5";

beforeAll(async () => {
  f = await startServerFixture();
  const a = await f.operator(ADMIN, "admin");
  const s = await f.operator(SUPPORT, "support");
  const u = await f.operator(AUDITOR, "auditor");
  admin = await f.signedIn(a.email, a.password, "198.51.100.1");
  support = await f.signedIn(s.email, s.password, SUPPORT_ADDRESS);
  auditor = await f.signedIn(u.email, u.password, "198.51.100.3");
});
afterAll(async () => {
  await f?.close();
});

describe("signed-in operators call the console's operations as themselves", () => {
  it("whoami answers the operator's email and the server's role, in team mode", async () => {
    for (const [browser, email, role] of [
      [admin, ADMIN, "admin"],
      [support, SUPPORT, "support"],
      [auditor, AUDITOR, "auditor"],
    ] as const) {
      const answer = await invoke(browser, "session.whoami");
      expect(answer.status).toBe(200);
      expect(answer.value).toMatchObject({ operator: email, role, mode: "team", profile: { name: "Local demo" } });
      // Per operation: every role reads the profiles; only an admin tests one here (its stored key).
      const { operations } = answer.value as { operations: string[] };
      expect(operations).toContain("profiles.list");
      expect(operations.includes("profiles.test"), role).toBe(role === "admin");
    }
  });

  it("the Local demo profile's role (admin) gives the auditor nothing: the role is the session's", async () => {
    const list = await invoke(auditor, "users.list", { tenantId: "public", order: "newest", limit: 5 });
    expect(list.error).toBeUndefined();
    const refused = await invoke(auditor, "roles.create", { role: "auditor-made-this", permissions: [] });
    expect(refused.error?.code).toBe("FORBIDDEN");
    expect(refused.error?.message).toMatch(/Ask an admin of this Gatehouse server/);
  });

  it("signs in into the same audit log as everything else, with the email and the address", () => {
    const signIns = f.audit().filter((e) => e.operation === "team.signIn" && e.outcome === "ok");
    expect(signIns.map((e) => [e.operator, e.address])).toEqual(
      expect.arrayContaining([
        [ADMIN, "198.51.100.1"],
        [SUPPORT, SUPPORT_ADDRESS],
      ]),
    );
  });
});

describe("a support operator cannot change the server's profiles or operators", () => {
  it("is refused every profile and operator change with FORBIDDEN, each audited with their email and address", async () => {
    const before = f.audit().length;
    const profiles = (await invoke(admin, "profiles.list")).value as { profiles: { id: string }[] };
    const id = profiles.profiles[0]?.id ?? "";
    const attempts: [string, unknown][] = [
      ["profiles.create", { name: "Mine", uris: ["http://127.0.0.1:1"], role: "admin", defaultTenant: "public", timeoutMs: 5000, contract: {} }],
      ["profiles.update", { id, role: "admin" }],
      ["profiles.remove", { id }],
      ["profiles.switch", { id }],
      ["operators.invite", { email: "friend@example.com", role: "admin" }],
      ["operators.setRole", { userId: "anyone", role: "admin" }],
      ["operators.remove", { userId: "anyone" }],
      ["operators.resetSecondFactor", { userId: "anyone" }],
    ];
    for (const [op, input] of attempts) {
      const answer = await invoke(support, op, input);
      expect(answer.error?.code, op).toBe("FORBIDDEN");
    }
    // Reading the operators is an admin's too (refused, and audited as every refusal is).
    const listing = await invoke(support, "operators.list");
    expect(listing.error?.code).toBe("FORBIDDEN");

    const refusals = f.audit().slice(before);
    expect(refusals.map((e) => e.operation)).toEqual([...attempts.map(([op]) => op), "operators.list"]);
    for (const entry of refusals) {
      expect(entry).toMatchObject({ operator: SUPPORT, role: "support", address: SUPPORT_ADDRESS, outcome: "error" });
      expect(entry.detail).toMatch(/^FORBIDDEN/);
    }
  });

  it("switching the profile is an admin's change on a team server (every operator shares it)", async () => {
    const profiles = (await invoke(admin, "profiles.list")).value as { profiles: { id: string }[] };
    const id = profiles.profiles[0]?.id ?? "";
    expect((await invoke(auditor, "profiles.switch", { id })).error?.code).toBe("FORBIDDEN");
    expect((await invoke(admin, "profiles.switch", { id })).ok).toBe(true);
  });

  it("testing a connection with a saved profile's key against other URIs is an admin's too (it would send the key there)", async () => {
    const profiles = (await invoke(admin, "profiles.list")).value as { profiles: { id: string }[] };
    const id = profiles.profiles[0]?.id ?? "";
    const exfiltrate = { uris: ["http://127.0.0.1:9"], keyFrom: id, timeoutMs: 1000 };
    for (const browser of [support, auditor]) expect((await invoke(browser, "profiles.test", exfiltrate)).error?.code).toBe("FORBIDDEN");
    const byAdmin = await invoke(admin, "profiles.test", exfiltrate);
    expect(byAdmin.value).toMatchObject({ reachable: false });
  });
});

describe("admins manage operators through the console's operations", () => {
  it("invites, lists, changes a role (ending that operator's sessions) and resets a second factor", async () => {
    const invited = await invoke(admin, "operators.invite", { email: "Nia@Example.com", role: "auditor" });
    expect(invited.ok).toBe(true);
    const value = invited.value as { operator: { userId: string; email: string; status: string }; link: { url: string } };
    expect(value.operator).toMatchObject({ email: "nia@example.com", status: "invited" });
    expect(value.link.url).toMatch(new RegExp(`^${f.origin}/#set-password=`));

    const again = await invoke(admin, "operators.invite", { email: ADMIN, role: "support" });
    expect(again.error).toMatchObject({ code: "CONFLICT", field: "email" });
    const bad = await invoke(admin, "operators.setRole", { userId: "no-such-user", role: "admin" });
    expect(bad.error?.code).toBe("NOT_FOUND");

    const list = (await invoke(admin, "operators.list")).value as { operators: { email: string; role: string; activeSessions: number }[] };
    expect(list.operators.map((o) => [o.email, o.role])).toEqual([
      [ADMIN, "admin"],
      [AUDITOR, "auditor"],
      ["nia@example.com", "auditor"],
      [SUPPORT, "support"],
    ]);

    const reset = await invoke(admin, "operators.resetSecondFactor", { userId: value.operator.userId });
    expect(reset.value).toEqual({ email: "nia@example.com", removed: false });

    // The invite's audit entry names the admin and their address, and never the link.
    const entry = f.audit().find((e) => e.operation === "operators.invite" && e.outcome === "ok");
    expect(entry).toMatchObject({ operator: ADMIN, address: "198.51.100.1", target: "nia@example.com", detail: "invited as auditor" });
    expect(JSON.stringify(f.audit())).not.toContain(value.link.url.split("#")[1] ?? "-");
  });

  it("the last admin cannot be demoted (CONFLICT)", async () => {
    const list = (await invoke(admin, "operators.list")).value as { operators: { email: string; userId: string }[] };
    const ada = list.operators.find((o) => o.email === ADMIN);
    const answer = await invoke(admin, "operators.setRole", { userId: ada?.userId, role: "support" });
    expect(answer.error?.code).toBe("CONFLICT");
  });
});

describe("requests that are not a signed-in operator's own are refused", () => {
  it("without a session: 401 UNAUTHENTICATED on /api/invoke and /api/events", async () => {
    const invokeRes = await fetch(`${f.origin}/api/invoke`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ op: "session.whoami", input: {} }) });
    expect(invokeRes.status).toBe(401);
    expect(await invokeRes.json()).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    const events = await fetch(`${f.origin}/api/events`);
    expect(events.status).toBe(401);
  });

  it("with a forged session token (well-formed or not), even with its matching CSRF token", async () => {
    for (const forged of [newToken(), "not-a-token"]) {
      const res = await fetch(`${f.origin}/api/invoke`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: `gatehouse-session=${forged}`, "x-csrf-token": csrfTokenFor(forged), origin: f.origin },
        body: JSON.stringify({ op: "session.whoami", input: {} }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie().join()).toMatch(/gatehouse-session=; .*Max-Age=0/);
    }
  });

  it("without the CSRF token, or with another session's: 403 CSRF", async () => {
    const missing = await admin.post("/api/invoke", { op: "session.whoami", input: {} }, { "x-csrf-token": "" });
    expect(missing.status).toBe(403);
    expect(missing.body.error?.code).toBe("CSRF");
    const others = await admin.post("/api/invoke", { op: "session.whoami", input: {} }, { "x-csrf-token": support.csrf ?? "" });
    expect(others.status).toBe(403);
  });

  it("from another origin: 403, whatever the session", async () => {
    const answer = await admin.post("/api/invoke", { op: "session.whoami", input: {} }, { origin: "https://evil.example" });
    expect(answer.status).toBe(403);
    expect(answer.body.error?.code).toBe("FORBIDDEN");
  });

  it("a body that is not JSON (an HTML form) is refused", async () => {
    const form = await admin.send("POST", "/api/invoke", undefined, { origin: f.origin, "x-csrf-token": admin.csrf ?? "", "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
  });
});

describe("the event stream", () => {
  it("streams the console's events to a signed-in operator, and ends when an admin removes them", async () => {
    const temp = await f.operator("tmp@example.com", "support");
    const browser = await f.signedIn(temp.email, temp.password, "198.51.100.9");
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(`${f.origin}/api/events`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const seen: string[] = [];
    const pump = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return "ended";
        seen.push(Buffer.from(value).toString("utf8"));
      }
    })();

    // A change by the admin reaches the stream (audit.appended), then the removal ends it.
    const list = (await invoke(admin, "operators.list")).value as { operators: { email: string; userId: string }[] };
    const userId = list.operators.find((o) => o.email === "tmp@example.com")?.userId;
    const removed = await invoke(admin, "operators.remove", { userId });
    expect(removed.value).toEqual({ email: "tmp@example.com", endedSessions: 1 });

    // At once for calls...
    const after = await invoke(browser, "session.whoami");
    expect(after.status).toBe(401);
    // ...and within a session check (100 ms here) for the open stream.
    await expect(Promise.race([pump, new Promise((r) => setTimeout(() => r("still open"), 3000))])).resolves.toBe("ended");
    expect(seen.join("")).toContain('"name":"audit.appended"');
  });
});

describe("one audit trail", () => {
  it("holds sign-ins and the console's changes in one chain that verifies, streamed alike", async () => {
    const verified = await invoke(auditor, "audit.verify");
    const trail = f.audit();
    expect(verified.value).toMatchObject({ ok: true, checked: trail.length });
    expect(trail.some((e) => e.operation === "team.signIn")).toBe(true);
    expect(trail.some((e) => e.operation === "operators.invite")).toBe(true);
    // The audit stream carries every entry of the chain, in order, sign-ins included.
    expect(f.streamed().map((e) => [e.seq, e.operation, e.operator, e.address])).toEqual(trail.map((e) => [e.seq, e.operation, e.operator, e.address]));
  });
});

describe("sessions end", () => {
  it("after the idle limit, and the refusal clears the cookie", async () => {
    const s = await f.signedIn(SUPPORT, `Pw-${SUPPORT}-correct-horse-battery`, SUPPORT_ADDRESS);
    expect((await invoke(s, "session.whoami")).ok).toBe(true);
    f.advance(30 * 60_000 + 1);
    const expired = await invoke(s, "session.whoami");
    expect(expired.status).toBe(401);
    expect(expired.error?.message).toMatch(/without activity/);
    expect(s.cookies.has("gatehouse-session")).toBe(false);
  });
});

describe("the renderer", () => {
  it("is served with browser mode's CSP and security headers, and no-store on the API", async () => {
    const page = await fetch(`${f.origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Gatehouse</title>");
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(page.headers.get(name)).toBe(value);
    expect(page.headers.get("strict-transport-security")).toBeNull(); // plain HTTP on loopback
    const api = await fetch(`${f.origin}/api/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get("cache-control")).toBe("no-store");
    expect(api.headers.get("content-security-policy")).toBe(SECURITY_HEADERS["Content-Security-Policy"]);
  });

  it("does not serve files outside the build or dotfiles", async () => {
    expect((await fetch(`${f.origin}/.env`)).status).toBe(404);
    expect((await fetch(`${f.origin}/..%2fsecret.txt`)).status).toBe(404);
  });
});
