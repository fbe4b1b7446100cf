/**
 * A team server on PostgreSQL when the database goes away mid-session (a restart, a network cut;
 * here a TCP proxy that drops connections): calls are answered with an error at once, nothing
 * crashes, and once the database is back the same session works again — it was kept there, not
 * in the instance — with the calls made meanwhile refused, never half-done.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTcpFaultProxy, type TcpFaultProxy } from "../main/helpers/faults.ts";
import { startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import type { Browser } from "../team/support/team-http.ts";
import { startServerFixture, type ServerFixture } from "./support/server-fixture.ts";

let cluster: TestPostgres;
let proxy: TcpFaultProxy;
let f: ServerFixture;

beforeAll(async () => {
  cluster = await startTestPostgres();
  proxy = await startTcpFaultProxy(cluster.url);
  const db = new URL(cluster.url);
  db.host = new URL(proxy.url).host;
  f = await startServerFixture({ store: { kind: "postgres", url: db.toString() } });
}, 90_000);

afterAll(async () => {
  await f?.close();
  await proxy?.close();
  await cluster?.stop();
});

const invoke = (browser: Browser, op: string, input: unknown = {}) => browser.post("/api/invoke", { op, input });

describe("a team server whose PostgreSQL goes away", () => {
  it("answers at once while it is away, and carries on with the same session when it is back", async () => {
    const admin = await f.operator("ops@example.com", "admin");
    const browser = await f.signedIn(admin.email, admin.password);
    expect((await invoke(browser, "session.whoami")).body).toMatchObject({ ok: true, value: { operator: "ops@example.com", mode: "team" } });

    proxy.setMode({ kind: "drop" });
    const started = Date.now();
    const away = await invoke(browser, "roles.create", { role: "while-away", permissions: [] });
    expect(away.status).toBe(503);
    expect(away.headers.get("retry-after")).toBe("5");
    expect(away.body).toMatchObject({ ok: false, error: { code: "INTERNAL", message: "The server's database (PostgreSQL) is not reachable right now; nothing was done. Try again in a moment." } });
    expect(Date.now() - started, "answered without waiting for the database").toBeLessThan(10_000);
    expect(f.logs.some((l) => /team server: POST \/api\/invoke failed/.test(l))).toBe(true);

    proxy.setMode({ kind: "pass" });
    expect((await invoke(browser, "session.whoami")).body).toMatchObject({ ok: true, value: { operator: "ops@example.com" } });
    const roles = await invoke(browser, "roles.list", { tenantId: "public" });
    expect(JSON.stringify(roles.body)).not.toContain("while-away"); // refused, not half-done
    const created = await invoke(browser, "roles.create", { role: "after-the-outage", permissions: [] });
    expect(created.body).toMatchObject({ ok: true });
    const verified = await invoke(browser, "audit.verify");
    expect(verified.body).toMatchObject({ ok: true, value: { ok: true } });
  });
});
