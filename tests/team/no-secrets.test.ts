/**
 * Nothing secret leaves the team module: after a run through everything it does (invites, a
 * set-password refused then taken, sign-ins refused and taken, a pause, the second factor, sign-out,
 * removal, the directory's Core going away), no log line, audit entry (as exported), HTTP answer or
 * header carries the directory's API key, a password, the TOTP secret, a session or sign-in
 * challenge token, or a set-password token; the store holds none of them in clear either. The one
 * place a secret is meant to appear (the enrolment answer, the invite's link for the admin) is
 * checked on its own.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoreClient } from "../../main/core/core-client.ts";
import { FileKeySecretBox } from "../../main/secrets/file-key-box.ts";
import { auditLogSink, createTeam } from "../../main/team/index.ts";
import { SqliteTeamStore } from "../../main/team/store/sqlite-team-store.ts";
import { base32Decode } from "../../main/team/totp/base32.ts";
import { totpAt } from "../../main/team/totp/totp.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "../main/helpers/faults.ts";
import { API_KEY, PUBLIC_URL, startTeamFixture, tokenOf, type TeamFixture } from "./support/team-fixture.ts";
import { Browser, startTeamHttp, type TeamHttp } from "./support/team-http.ts";

let f: TeamFixture;
let http: TeamHttp;
let proxy: TcpFaultProxy;
/** Every value that must never show, by what it is. */
const secrets = new Map<string, string>([["directory API key", API_KEY]]);
const answers: string[] = [];
const meantToShow: string[] = [];

const remember = (what: string, value: string) => secrets.set(`${what} (${value.slice(0, 4)}…)`, value);

beforeAll(async () => {
  f = await startTeamFixture();
  http = await startTeamHttp(f.team);
  const adminPassword = "the admin's own passphrase";
  remember("password", adminPassword);
  const admin = await f.operator("admin@example.com", "admin", adminPassword);
  const adminSession = await f.signIn("admin@example.com", admin.password);
  remember("session token", adminSession.token);

  // An invite: its link is for the admin to pass on (the dispatcher's answer), nowhere else.
  const invite = await f.team.admin.invite(adminSession.caller, { email: "zoe@example.com", role: "support" });
  meantToShow.push(JSON.stringify(invite));
  const inviteToken = tokenOf(invite.link.url);
  remember("set-password token", inviteToken);

  const b = new Browser(http.origin);
  const zoePassword = "zoe picks a long passphrase";
  remember("password", zoePassword);
  remember("password", "zoe-short");
  await b.post("/api/team/set-password", { token: inviteToken, password: "zoe-short" });
  await b.post("/api/team/set-password", { token: inviteToken, password: zoePassword });
  // Wrong passwords, one typed into the email field, until the account pauses.
  for (const wrong of ["zoe's old password 1", "zoe's old password 2", "zoe's old password 3", "zoe's old password 4", "zoe's old password 5"]) {
    remember("password", wrong);
    await b.post("/api/team/sign-in", { email: "zoe@example.com", password: wrong });
  }
  remember("password", "typed-into-the-email-field");
  await b.post("/api/team/sign-in", { email: "typed-into-the-email-field", password: zoePassword });
  f.advance(60_000);
  await b.post("/api/team/sign-in", { email: "zoe@example.com", password: zoePassword });
  remember("session token", b.cookies.get("gatehouse-session") ?? "missing");

  // The second factor: the enrolment answer holds the secret, once.
  const beforeEnrol = b.answers.length;
  const enrol = await b.post("/api/team/second-factor/enrol");
  meantToShow.push(b.answers.splice(beforeEnrol, 1)[0] ?? "");
  const secretText = String(enrol.body.value?.secret);
  const secret = base32Decode(secretText);
  remember("TOTP secret (base32)", secretText);
  remember("TOTP secret (base64)", secret.toString("base64"));
  remember("TOTP secret (hex)", secret.toString("hex"));
  await b.post("/api/team/second-factor/confirm", { code: totpAt(secret, f.now()) });
  await b.post("/api/team/sign-out");
  f.advance(30_000);
  await b.post("/api/team/sign-in", { email: "zoe@example.com", password: zoePassword });
  remember("sign-in challenge", b.cookies.get("gatehouse-sign-in") ?? "missing");
  await b.post("/api/team/sign-in/code", { code: totpAt(secret, f.now() + 120_000) });
  await b.post("/api/team/sign-in/code", { code: totpAt(secret, f.now()) });
  remember("session token", b.cookies.get("gatehouse-session") ?? "missing");
  await b.get("/api/team/session");
  await b.post("/api/team/sign-out-everywhere");
  answers.push(...b.answers);

  // Admin operations' answers (the dispatcher will return these as they are).
  answers.push(JSON.stringify(await f.team.admin.list(adminSession.caller)));
  const zoe = (await f.team.admin.list(adminSession.caller)).find((o) => o.email === "zoe@example.com");
  answers.push(JSON.stringify(await f.team.admin.setRole(adminSession.caller, { userId: zoe?.userId, role: "auditor" })));
  answers.push(JSON.stringify(await f.team.admin.remove(adminSession.caller, { userId: zoe?.userId })));

  // The directory's Core going away: the failure is logged, without its key.
  proxy = await startTcpFaultProxy(f.coreUrl);
  const down = await createTeam({
    core: new CoreClient({ uris: [proxy.url], apiKey: API_KEY, timeoutMs: 2_000 }),
    store: new SqliteTeamStore(f.db),
    secrets: new FileKeySecretBox(join(f.dataDir, "secrets.key")),
    audit: auditLogSink(f.auditLog),
    publicUrl: PUBLIC_URL,
    now: f.now,
    log: (line) => f.logs.push(line),
  });
  proxy.setMode({ kind: "drop" });
  const refused = await down.signIn.withPassword({ email: "admin@example.com", password: adminPassword }, "192.0.2.1").catch((err: unknown) => err);
  answers.push(JSON.stringify(refused), String(refused));
});
afterAll(async () => {
  await proxy.close();
  await http.close();
  await f.close();
});

function leaks(text: string): string[] {
  return [...secrets].filter(([, value]) => text.includes(value)).map(([what]) => what);
}

describe("what the team module lets out", () => {
  it("ran what it should (so the checks below look at something)", () => {
    expect(answers.length).toBeGreaterThan(30);
    expect(f.logs.some((l) => l.includes("sign-in refused for zoe@example.com"))).toBe(true);
    expect(f.logs.some((l) => l.includes("operator directory"))).toBe(true);
    expect(f.audit().some((e) => e.operation === "team.secondFactor.on")).toBe(true);
    expect(secrets.size).toBeGreaterThan(12);
  });

  it("logs no secret", () => {
    expect(f.logs.flatMap(leaks)).toEqual([]);
  });

  it("audits no secret", async () => {
    expect(leaks((await f.auditLog.export({}, "jsonl")).content)).toEqual([]);
  });

  it("answers no secret, in bodies or headers", () => {
    expect(answers.flatMap(leaks)).toEqual([]);
  });

  it("shows a secret only where it is meant to: the invite's link, the enrolment's TOTP secret", () => {
    expect(leaks(meantToShow[0] ?? "")).toEqual([expect.stringMatching(/^set-password token/)]);
    expect(leaks(meantToShow[1] ?? "").sort()).toEqual([expect.stringMatching(/^TOTP secret \(base32\)/)]);
  });

  it("keeps no secret in clear in the store", () => {
    f.db.pragma("wal_checkpoint(TRUNCATE)");
    const file = readFileSync(join(f.dataDir, "gatehouse.sqlite")).toString("latin1");
    expect(leaks(file)).toEqual([]);
  });
});
