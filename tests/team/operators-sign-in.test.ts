/**
 * The first admin and signing in, against the embedded core over HTTP: the operator is created on
 * the directory's Core (checked there with raw CDI reads), the set-password link refuses a weak
 * password without being used up, works once, and expires; sign-in refuses wrong input with one
 * message whatever was wrong (and audits why), then opens a session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOperator, passwordLink } from "../../main/team/operators/add-operator.ts";
import { OPERATOR_METADATA_KEY } from "../../main/team/directory/operator-directory.ts";
import { API_KEY, startTeamFixture, tokenOf, type TeamFixture } from "./support/team-fixture.ts";

let f: TeamFixture;
beforeAll(async () => {
  f = await startTeamFixture();
});
afterAll(() => f.close());

const cli = () => ({ directory: f.team.directory, links: f.team.links, audit: { record: async () => undefined }, now: f.now });

describe("the first admin", () => {
  let userId = "";
  let url = "";
  const password = "first admin's long passphrase";

  it("refuses a bad email or role, naming the field, and creates nothing", async () => {
    await expect(addOperator(cli(), { email: "not-an-email", role: "admin" }, "cli:tester")).rejects.toMatchObject({ code: "VALIDATION", field: "email" });
    await expect(addOperator(cli(), { email: "ada@example.com", role: "owner" }, "cli:tester")).rejects.toMatchObject({ code: "VALIDATION", field: "role" });
    expect(await f.core.byContact({ email: "ada@example.com" })).toEqual([]);
  });

  it("is an EmailPassword user on the Core with the admin role and Gatehouse's record, and gets a one-time link", async () => {
    const created = await addOperator(cli(), { email: " Ada@Example.com ", role: "admin" }, "cli:tester");
    ({ userId } = created);
    url = created.link.url;
    expect(created).toMatchObject({ email: "ada@example.com", role: "admin", reinvited: false });
    expect(url).toMatch(/^https:\/\/gatehouse\.test\/#set-password=[A-Za-z0-9_-]{43}$/);
    expect(created.link.expiresAt).toBe(f.now() + 24 * 3_600_000);
    const user = await f.core.user(userId);
    expect(user?.loginMethods).toMatchObject([{ recipeId: "emailpassword", email: "ada@example.com" }]);
    expect(await f.core.roles(userId)).toEqual(["gatehouse-operator:admin"]);
    expect((await f.core.metadata(userId))[OPERATOR_METADATA_KEY]).toEqual({ invitedAt: f.now(), invitedBy: "cli:tester", passwordSetAt: null });
  });

  it("cannot sign in before the password is set", async () => {
    await expect(f.team.signIn.withPassword({ email: "ada@example.com", password: "" }, "192.0.2.1")).rejects.toMatchObject({ code: "VALIDATION", field: "password" });
    await expect(f.team.signIn.withPassword({ email: "ada@example.com", password }, "192.0.2.1")).rejects.toMatchObject({ code: "SIGN_IN_FAILED" });
  });

  it("refuses a weak password or a forged token without using the link up, then takes the right one once", async () => {
    const token = tokenOf(url);
    await expect(f.team.setPassword({ token, password: "short" }, "192.0.2.1")).rejects.toMatchObject({ code: "VALIDATION", field: "password", message: expect.stringMatching(/at least 12/) });
    await expect(f.team.setPassword({ token, password: "ada@example.com" }, "192.0.2.1")).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(f.team.setPassword({ token: `${token.slice(0, -2)}AA`, password }, "192.0.2.1")).rejects.toMatchObject({ code: "LINK_INVALID", message: expect.stringMatching(/not valid/) });
    await expect(f.team.setPassword({ token: "../../etc", password }, "192.0.2.1")).rejects.toMatchObject({ code: "LINK_INVALID" });

    expect(await f.team.setPassword({ token, password }, "192.0.2.1")).toEqual({ email: "ada@example.com" });
    expect((await f.core.metadata(userId))[OPERATOR_METADATA_KEY]).toMatchObject({ passwordSetAt: f.now() });
    await expect(f.team.setPassword({ token, password: "another long passphrase" }, "192.0.2.1")).rejects.toMatchObject({ code: "LINK_INVALID", message: expect.stringMatching(/already used/) });
  });

  it("refuses a second add for the same email, and the same email in any case", async () => {
    await expect(addOperator(cli(), { email: "ADA@example.com", role: "support" }, "cli:tester")).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/already an operator \(admin\)/) });
    expect(await f.core.roles(userId)).toEqual(["gatehouse-operator:admin"]);
  });

  it("signs in: wrong password, unknown email and a Core user who is no operator all get the same answer, each audited with why", async () => {
    const before = f.audit().length;
    const wrong = { code: "SIGN_IN_FAILED", message: "The email or password is not right." };
    await expect(f.team.signIn.withPassword({ email: "ada@example.com", password: "wrong password!" }, "192.0.2.7")).rejects.toMatchObject(wrong);
    await expect(f.team.signIn.withPassword({ email: "nobody@example.com", password }, "192.0.2.7")).rejects.toMatchObject(wrong);
    // An app user on the same Core, with a password but no operator role.
    const signup = await fetch(`${f.coreUrl}/recipe/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", "cdi-version": "5.4", "api-key": API_KEY },
      body: JSON.stringify({ email: "app-user@example.com", password: "app user password" }),
    });
    expect((await signup.json()) as { status: string }).toMatchObject({ status: "OK" });
    await expect(f.team.signIn.withPassword({ email: "app-user@example.com", password: "app user password" }, "192.0.2.7")).rejects.toMatchObject(wrong);

    const refused = f.audit().slice(before);
    expect(refused.map((e) => [e.operation, e.operator, e.outcome, e.detail, e.address])).toEqual([
      ["team.signIn", "ada@example.com", "error", "wrong email or password", "192.0.2.7"],
      ["team.signIn", "nobody@example.com", "error", "wrong email or password", "192.0.2.7"],
      ["team.signIn", "app-user@example.com", "error", "not an operator (holds no Gatehouse role)", "192.0.2.7"],
    ]);

    const step = await f.team.signIn.withPassword({ email: "ADA@example.com", password }, "192.0.2.7");
    expect(step.kind).toBe("session");
    if (step.kind !== "session") return;
    expect(step.session.caller).toMatchObject({ userId, email: "ada@example.com", role: "admin", address: "192.0.2.7", expiresAt: f.now() + 12 * 3_600_000 });
    expect(await f.team.sessions.verify(step.session.token, "192.0.2.7")).toMatchObject({ userId, role: "admin" });
    expect(f.audit().at(-1)).toMatchObject({ operation: "team.signIn", operator: "ada@example.com", role: "admin", outcome: "ok", detail: "signed in with password" });
  });

  it("a set-password link expires, and a new one voids the one before", async () => {
    const first = await addOperator(cli(), { email: "bo@example.com", role: "support" }, "cli:tester");
    f.advance(24 * 3_600_000);
    await expect(f.team.setPassword({ token: tokenOf(first.link.url), password: "bo's long passphrase" }, "192.0.2.1")).rejects.toMatchObject({ code: "LINK_INVALID", message: expect.stringMatching(/expired/) });

    const again = await addOperator(cli(), { email: "bo@example.com", role: "auditor" }, "cli:tester");
    expect(again).toMatchObject({ userId: first.userId, reinvited: true, role: "auditor" });
    expect(await f.core.roles(first.userId)).toEqual(["gatehouse-operator:auditor"]);
    const third = await passwordLink(cli(), "bo@example.com", "cli:tester");
    await expect(f.team.setPassword({ token: tokenOf(again.link.url), password: "bo's long passphrase" }, "192.0.2.1")).rejects.toMatchObject({ code: "LINK_INVALID", message: expect.stringMatching(/not valid/) });
    expect(await f.team.setPassword({ token: tokenOf(third.link.url), password: "bo's long passphrase" }, "192.0.2.1")).toEqual({ email: "bo@example.com" });
    await expect(passwordLink(cli(), "nobody@example.com", "cli:tester")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
