// @vitest-environment happy-dom
/**
 * The renderer served by a Gatehouse team server, against the real team routes and module
 * (tests/support/team-console.ts): which mode a page is in (200/401/404 from the session check),
 * signing in with and without the code step, a paused sign-in, set-password from the one-time
 * link, the Operators page (the invite's link shown once, hidden from other roles), the account
 * menu, and a session ended on the server bringing back sign-in on the same page.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OperatorRole } from "../../shared/contract/permissions.ts";
import { chooseMode, type ModeChoice, type TeamEnvironment } from "../../renderer/src/api/transport.ts";
import { NoTokenScreen } from "../../renderer/src/app/NoTokenScreen.tsx";
import { TeamApp } from "../../renderer/src/team/TeamApp.tsx";
import { sessionHandlers, type Handlers } from "./fakeTransport.ts";
import { renderApp } from "./render.tsx";

/** What the test uses of tests/support/team-console.ts (loaded at run time: it needs Node's types, which this tsconfig has not). */
type BrowserFetch = TeamEnvironment["fetch"];
interface TeamConsole {
  origin: string;
  invoked: string[];
  requests: string[];
  browser(): BrowserFetch;
  operator(email: string, role: OperatorRole): Promise<{ userId: string; password: string }>;
  invited(email: string, role: OperatorRole): Promise<{ userId: string; token: string }>;
  secondFactor(userId: string, email: string): Promise<{ code(): string }>;
  totp(secret: string): string;
  fixture: { team: { sessions: { endAllOf(userId: string): Promise<number> } } };
  close(): Promise<void>;
}
interface Harness {
  startTeamConsole(options: { handlers: (role: OperatorRole) => Handlers; team?: boolean; throttle?: unknown }): Promise<TeamConsole>;
}
const HARNESS = "../support/team-console.ts";
const harness = async (): Promise<Harness> => (await import(/* @vite-ignore */ HARNESS)) as Harness;

let server: TeamConsole;
let admin: { userId: string; password: string };
let support: { userId: string; password: string };
let twoStep: { userId: string; password: string; code(): string };

beforeAll(async () => {
  // One failed sign-in per account is allowed; the second pauses it (the real policy allows five).
  server = await (await harness()).startTeamConsole({
    handlers: (role) => sessionHandlers(role),
    throttle: { account: { lockAfter: 2, windowMs: 15 * 60_000, baseLockMs: 60_000, maxLockMs: 60_000 } },
  });
  admin = await server.operator("admin@example.com", "admin");
  support = await server.operator("wes@example.com", "support");
  const ty = await server.operator("ty@example.com", "support");
  twoStep = { ...ty, ...(await server.secondFactor(ty.userId, "ty@example.com")) };
}, 60_000);
afterAll(async () => {
  await server?.close();
});
afterEach(cleanup);

/** A page load: chooses the mode as main.tsx does, with `fetch` as this browser's, then renders it. */
async function openPage(hash: string, fetch: BrowserFetch = server.browser(), origin = server.origin): Promise<{ choice: ModeChoice; fetch: BrowserFetch }> {
  window.location.hash = hash;
  const storage = new Map<string, string>();
  const choice = await chooseMode({
    location: { origin, pathname: "/", search: "", hash: window.location.hash },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    history: { replaceState: (_s, _t, url) => void (window.location.hash = new URL(String(url), origin).hash) },
    fetch,
  });
  if (choice.kind === "team") render(<TeamApp api={choice.api} probe={choice.probe} setPasswordToken={choice.setPasswordToken} />);
  if (choice.kind === "no-token") render(<NoTokenScreen />);
  return { choice, fetch };
}

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

async function signIn(email: string, password: string) {
  await screen.findByTestId("sign-in");
  type("sign-in-email", email);
  type("sign-in-password", password);
  fireEvent.click(screen.getByTestId("sign-in-submit"));
}

/** A browser already signed in as `email`. */
async function signedInBrowser(email: string, password: string): Promise<BrowserFetch> {
  const fetch = server.browser();
  const answer = await fetch(`${server.origin}/api/team/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  expect(answer.status).toBe(200);
  return fetch;
}

describe("mode", () => {
  it("is a team server's sign-in when the session check answers 401", async () => {
    const { choice } = await openPage("#/users");
    expect(choice.kind === "team" && choice.probe.status).toBe("signed-out");
    expect((await screen.findByTestId("sign-in")).textContent).toContain("Sign in to Gatehouse");
    expect(screen.queryByTestId("sign-in-notice")).toBeNull();
  });

  it("opens the console at once when the session check answers 200", async () => {
    const { choice } = await openPage("#/users", await signedInBrowser("wes@example.com", support.password));
    expect(choice.kind === "team" && choice.probe.status).toBe("signed-in");
    expect((await screen.findByTestId("account-email")).textContent).toBe("wes@example.com");
    expect(screen.getByTestId("role-badge").textContent).toBe("support");
    await screen.findAllByTestId("user-row");
  });

  it("is not a team server when the session check answers 404 (the desktop's browser mode)", async () => {
    const plain = await (await harness()).startTeamConsole({ handlers: (role) => sessionHandlers(role), team: false });
    try {
      const { choice } = await openPage("#/users", plain.browser(), plain.origin);
      expect(choice.kind).toBe("no-token");
      expect(screen.getByTestId("no-token").textContent).toContain("Open the link Gatehouse printed");
    } finally {
      await plain.close();
    }
  });

  it("asks no team server when the page has a browser-mode token", async () => {
    let asked = 0;
    const fetch: BrowserFetch = async (url, init) => (asked++, server.browser()(url, init));
    const { choice } = await openPage("#token=desktop-token", fetch);
    expect(choice.kind).toBe("browser");
    expect(asked).toBe(0);
  });
});

describe("signing in", () => {
  it("signs in with email and password and lands on the page of the address", async () => {
    await openPage("#/roles");
    await signIn("wes@example.com", support.password);
    expect((await screen.findByTestId("account-email")).textContent).toBe("wes@example.com");
    await screen.findAllByTestId("role-row");
    expect(window.location.hash).toBe("#/roles");
  });

  it("names the empty fields instead of asking the server", async () => {
    await openPage("#/users");
    await screen.findByTestId("sign-in");
    const before = server.requests.length;
    fireEvent.click(screen.getByTestId("sign-in-submit"));
    const errors = (await screen.findAllByTestId("field-error")).map((e) => e.textContent);
    expect(errors).toEqual(["Email address: Enter your email address.", "Password: Enter your password."]);
    expect(screen.getByTestId("sign-in-email").getAttribute("aria-invalid")).toBe("true");
    expect(server.requests.slice(before)).toEqual([]);
  });

  it("asks for the 6-digit code when two-step sign-in is on: a wrong code is named on the field, the right one opens the console", async () => {
    await openPage("#/users");
    await signIn("ty@example.com", twoStep.password);
    expect((await screen.findByTestId("sign-in-code-step")).textContent).toContain("ty@example.com");
    expect(screen.queryByTestId("account-email")).toBeNull();

    type("sign-in-code", "12345");
    fireEvent.click(screen.getByTestId("sign-in-submit"));
    expect((await screen.findByTestId("field-error")).textContent).toBe("Code: Enter the 6-digit code your authenticator app shows now.");

    const right = twoStep.code();
    type("sign-in-code", right === "000000" ? "111111" : "000000");
    fireEvent.click(screen.getByTestId("sign-in-submit"));
    await waitFor(() => expect(screen.getByTestId("field-error").textContent).toMatch(/^Code: That code is not right/));

    type("sign-in-code", right);
    fireEvent.click(screen.getByTestId("sign-in-submit"));
    expect((await screen.findByTestId("account-email")).textContent).toBe("ty@example.com");
  });

  it("says when sign-in is paused after failures, with the time to try again, and keeps the button off", async () => {
    await server.operator("locked@example.com", "auditor");
    await openPage("#/users");
    await signIn("locked@example.com", "not the password at all");
    expect((await screen.findByTestId("team-error")).getAttribute("data-code")).toBe("SIGN_IN_FAILED");
    fireEvent.click(screen.getByTestId("sign-in-submit"));
    await waitFor(() => expect(screen.getByTestId("team-error").getAttribute("data-code")).toBe("RATE_LIMITED"));
    const banner = screen.getByTestId("team-error").textContent ?? "";
    expect(banner).toContain("Sign-in is paused: try again in 1 minute");
    expect(banner).toMatch(/You can try again at \d{1,2}:\d{2}:\d{2}/);
    const button = screen.getByTestId("sign-in-submit") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.textContent).toBe("Sign-in paused");
  });
});

describe("setting a password from the one-time link", () => {
  it("takes the token from the address, names a mismatch, then sets it and goes to sign-in with the email filled in", async () => {
    const { token } = await server.invited("dana.operator@example.com", "support");
    await openPage(`#set-password=${token}`);
    await screen.findByTestId("set-password");
    expect(window.location.hash).toBe("#/users");
    const sent = () => server.requests.filter((r) => r === "POST /api/team/set-password").length;

    type("set-password-new", "short");
    fireEvent.click(screen.getByTestId("set-password-submit"));
    expect((await screen.findByTestId("field-error")).textContent).toBe("New password: The password must have at least 12 characters.");

    type("set-password-new", "a long walk to the harbour");
    type("set-password-repeat", "a long walk to the harbor");
    fireEvent.click(screen.getByTestId("set-password-submit"));
    expect((await screen.findByTestId("field-error")).textContent).toBe("Repeat the new password: The two passwords are not the same. Type the same password twice.");
    expect(sent()).toBe(0);

    // The server's own rule (not the email) comes back on the field it names.
    type("set-password-new", "dana.operator");
    type("set-password-repeat", "dana.operator");
    fireEvent.click(screen.getByTestId("set-password-submit"));
    await waitFor(() => expect(screen.getByTestId("field-error").textContent).toBe("New password: The password cannot be your email address."));

    type("set-password-new", "a long walk to the harbour");
    type("set-password-repeat", "a long walk to the harbour");
    fireEvent.click(screen.getByTestId("set-password-submit"));
    expect((await screen.findByTestId("sign-in-notice")).textContent).toBe("Your password is set. Sign in with it.");
    expect((screen.getByTestId("sign-in-email") as HTMLInputElement).value).toBe("dana.operator@example.com");

    type("sign-in-password", "a long walk to the harbour");
    fireEvent.click(screen.getByTestId("sign-in-submit"));
    expect((await screen.findByTestId("account-email")).textContent).toBe("dana.operator@example.com");
  });

  it("says a used link is used, and offers sign-in", async () => {
    const { token } = await server.invited("eli@example.com", "auditor");
    const fetch = server.browser();
    expect((await fetch(`${server.origin}/api/team/set-password`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, password: "first and only password" }) })).status).toBe(200);
    await openPage(`#set-password=${token}`);
    type("set-password-new", "a second password here");
    type("set-password-repeat", "a second password here");
    fireEvent.click(screen.getByTestId("set-password-submit"));
    await waitFor(() => expect(screen.getByTestId("team-error").getAttribute("data-code")).toBe("LINK_INVALID"));
    expect(screen.getByTestId("team-error").textContent).toContain("already used");
    fireEvent.click(screen.getByTestId("set-password-to-sign-in"));
    await screen.findByTestId("sign-in");
  });
});

describe("the Operators page", () => {
  it("lists operators for an admin, invites one and shows the link once", async () => {
    await openPage("#/operators", await signedInBrowser("admin@example.com", admin.password));
    const rows = await screen.findAllByTestId("operator-row");
    expect(rows.map((r) => r.getAttribute("data-email"))).toContain("wes@example.com");
    const ty = rows.find((r) => r.getAttribute("data-email") === "ty@example.com") as HTMLElement;
    expect(within(ty).getByTestId("operator-second-factor").textContent).toBe("on");
    expect(within(ty).getByTestId("operator-status").textContent).toBe("active");

    fireEvent.click(screen.getByTestId("nav-operators"));
    fireEvent.click(screen.getByTestId("operator-invite-open"));
    fireEvent.click(screen.getByTestId("operator-invite-submit"));
    expect((await screen.findByText(/^Email address: /)).textContent).toBe("Email address: Enter the email address of the person to invite.");
    type("operator-invite-email", "fay@example.com");
    fireEvent.click(screen.getByTestId("operator-invite-role-auditor"));
    fireEvent.click(screen.getByTestId("operator-invite-submit"));
    const link = ((await screen.findByTestId("operator-invite-link")) as HTMLInputElement).value;
    expect(link).toMatch(/^https:\/\/gatehouse\.test\/#set-password=[A-Za-z0-9_-]{43}$/);
    expect(screen.getByTestId("operator-invited").textContent).toContain("fay@example.com is invited as auditor");
    const fay = (await screen.findAllByTestId("operator-row")).find((r) => r.getAttribute("data-email") === "fay@example.com") as HTMLElement;
    expect(within(fay).getByTestId("operator-status").textContent).toBe("invited");

    fireEvent.click(screen.getByTestId("operator-invite-done"));
    await waitFor(() => expect(screen.queryByTestId("operator-invite-link")).toBeNull());
    fireEvent.click(screen.getByRole("button", { name: "Reload operators" }));
    fireEvent.click(screen.getByTestId("operator-invite-open"));
    await screen.findByTestId("operator-invite-form");
    expect(document.body.innerHTML).not.toContain(link.split("=")[1]);

    // The link shown is the real one: it sets Fay's password.
    const used = await server.browser()(`${server.origin}/api/team/set-password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: link.split("#set-password=")[1], password: "fay's own long password" }),
    });
    expect(used.status).toBe(200);
  });

  it("changes a role after confirming, and removes only after the email is typed", async () => {
    const gus = await server.operator("gus@example.com", "auditor");
    await signedInBrowser("gus@example.com", gus.password);
    await openPage("#/operators", await signedInBrowser("admin@example.com", admin.password));
    const row = () => screen.getAllByTestId("operator-row").find((r) => r.getAttribute("data-email") === "gus@example.com") as HTMLElement;
    await screen.findAllByTestId("operator-row");
    expect(within(row()).getByTestId("operator-sessions").textContent).toBe("1");

    fireEvent.change(within(row()).getByTestId("operator-role"), { target: { value: "support" } });
    const dialog = await screen.findByTestId("operator-role-dialog");
    expect(dialog.textContent).toContain("Make gus@example.com support?");
    expect(dialog.textContent).toContain("1 open session of theirs ends at once");
    fireEvent.click(within(dialog).getByTestId("confirm-button"));
    await waitFor(() => expect((within(row()).getByTestId("operator-role") as HTMLSelectElement).value).toBe("support"));
    expect(within(row()).getByTestId("operator-sessions").textContent).toBe("0");

    fireEvent.click(within(row()).getByTestId("operator-remove"));
    const remove = await screen.findByTestId("operator-remove-dialog");
    const confirm = within(remove).getByTestId("confirm-button") as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(remove).getByTestId("confirm-input"), { target: { value: "gus@example.com" } });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.getAllByTestId("operator-row").map((r) => r.getAttribute("data-email"))).not.toContain("gus@example.com"));
  });

  it("resets an operator's two-step sign-in after confirming", async () => {
    const ivy = await server.operator("ivy@example.com", "support");
    await server.secondFactor(ivy.userId, "ivy@example.com");
    await openPage("#/operators", await signedInBrowser("admin@example.com", admin.password));
    await screen.findAllByTestId("operator-row");
    const row = () => screen.getAllByTestId("operator-row").find((r) => r.getAttribute("data-email") === "ivy@example.com") as HTMLElement;
    expect(within(row()).getByTestId("operator-second-factor").textContent).toBe("on");
    fireEvent.click(within(row()).getByTestId("operator-reset-second-factor"));
    fireEvent.click(within(await screen.findByTestId("operator-reset-dialog")).getByTestId("confirm-button"));
    await waitFor(() => expect(within(row()).getByTestId("operator-second-factor").textContent).toBe("off"));
    expect(within(row()).queryByTestId("operator-reset-second-factor")).toBeNull();
    // On the server too: signing in asks for no code any more.
    const step = await server.browser()(`${server.origin}/api/team/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "ivy@example.com", password: ivy.password }) });
    expect(((await step.json()) as { value: { step: string } }).value.step).toBe("signed-in");
  });

  it("shares the active profile: only an admin may switch or test profiles on a team server (support may on the desktop)", async () => {
    await openPage("#/connections", await signedInBrowser("wes@example.com", support.password));
    expect((await screen.findAllByTestId("profile-row")).length).toBe(2);
    expect(screen.queryByTestId("profile-switch")).toBeNull();
    expect(screen.queryAllByTestId("profile-test-saved")).toEqual([]);
    cleanup();
    await openPage("#/connections", await signedInBrowser("admin@example.com", admin.password));
    await screen.findAllByTestId("profile-row");
    expect(screen.getByTestId("profile-switch")).toBeTruthy();
    expect(screen.getAllByTestId("profile-test-saved")).toHaveLength(2);
    cleanup();
    renderApp(sessionHandlers("support"), "#/connections");
    await screen.findAllByTestId("profile-row");
    expect(screen.getByTestId("profile-switch")).toBeTruthy();
    expect(screen.getAllByTestId("profile-test-saved")).toHaveLength(2);
  });

  it("is not in the desktop's navigation, even for an admin", async () => {
    renderApp(sessionHandlers("admin"), "#/operators");
    expect((await screen.findByTestId("operators-desktop")).textContent).toContain("Operators belong to a Gatehouse team server.");
    expect(screen.queryByTestId("nav-operators")).toBeNull();
    expect(screen.queryByTestId("account-menu")).toBeNull();
  });

  it("is hidden from a support operator, and its address answers that only admins manage operators", async () => {
    const before = server.invoked.filter((c) => c.endsWith("operators.list")).length;
    await openPage("#/operators", await signedInBrowser("wes@example.com", support.password));
    expect((await screen.findByTestId("operators-forbidden")).textContent).toContain("Only admins manage operators.");
    expect(screen.queryByTestId("nav-operators")).toBeNull();
    expect(screen.getByTestId("nav-users")).toBeTruthy();
    expect(server.invoked.filter((c) => c.endsWith("operators.list")).length).toBe(before);
  });
});

describe("the session", () => {
  it("ended on the server: the next call brings back sign-in with why, and signing in returns to the same page", async () => {
    await openPage("#/roles", await signedInBrowser("wes@example.com", support.password));
    await screen.findAllByTestId("role-row");
    await server.fixture.team.sessions.endAllOf(support.userId);

    fireEvent.click(screen.getByRole("button", { name: "Reload roles" }));
    expect((await screen.findByTestId("sign-in-notice")).textContent).toBe("Your session ended — sign in again.");
    expect((screen.getByTestId("sign-in-email") as HTMLInputElement).value).toBe("wes@example.com");
    expect(window.location.hash).toBe("#/roles");

    type("sign-in-password", support.password);
    fireEvent.click(screen.getByTestId("sign-in-submit"));
    await screen.findAllByTestId("role-row");
    expect(window.location.hash).toBe("#/roles");
  });

  it("goes on after another tab of the same browser signed in again (new cookie, CSRF token asked anew), but not as someone else", async () => {
    const { fetch } = await openPage("#/roles", await signedInBrowser("wes@example.com", support.password));
    await screen.findAllByTestId("role-row");
    const again = (email: string, password: string) =>
      fetch(`${server.origin}/api/team/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
    expect((await again("wes@example.com", support.password)).status).toBe(200);
    const rolesCalls = () => server.invoked.filter((c) => c === "wes@example.com roles.list").length;
    const before = rolesCalls();
    fireEvent.click(screen.getByRole("button", { name: "Reload roles" }));
    await waitFor(() => expect(rolesCalls()).toBe(before + 1));
    expect(screen.queryByTestId("sign-in")).toBeNull();

    expect((await again("admin@example.com", admin.password)).status).toBe(200);
    fireEvent.click(screen.getByRole("button", { name: "Reload roles" }));
    expect((await screen.findByTestId("sign-in-notice")).textContent).toBe("Your session ended — sign in again.");
    expect(server.invoked.filter((c) => c === "admin@example.com roles.list")).toEqual([]);
  });

  it("signs out from the account menu, and the session is over on the server", async () => {
    const { fetch } = await openPage("#/users", await signedInBrowser("wes@example.com", support.password));
    fireEvent.click(await screen.findByTestId("account-menu"));
    expect(screen.getByTestId("account-panel").textContent).toContain("with the role support");
    fireEvent.click(screen.getByTestId("sign-out"));
    expect((await screen.findByTestId("sign-in-notice")).textContent).toBe("You signed out.");
    expect((await fetch(`${server.origin}/api/team/session`, { method: "GET" })).status).toBe(401);
  });

  it("sets up two-step sign-in from the account menu with the secret shown as text", async () => {
    const hal = await server.operator("hal@example.com", "auditor");
    await openPage("#/users", await signedInBrowser("hal@example.com", hal.password));
    fireEvent.click(await screen.findByTestId("account-menu"));
    fireEvent.click(screen.getByTestId("two-step-open"));
    fireEvent.click(await screen.findByTestId("two-step-set-up"));
    const secret = ((await screen.findByTestId("two-step-secret")) as HTMLInputElement).value;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect((screen.getByTestId("two-step-uri") as HTMLInputElement).value).toMatch(/^otpauth:\/\/totp\/.*secret=/);

    const right = server.totp(secret);
    type("two-step-code", right === "000000" ? "111111" : "000000");
    fireEvent.click(screen.getByTestId("two-step-confirm"));
    await waitFor(() => expect(screen.getByTestId("field-error").textContent).toMatch(/^First code from the app: that is not the code the app shows now/));
    type("two-step-code", right);
    fireEvent.click(screen.getByTestId("two-step-confirm"));
    expect((await screen.findByTestId("two-step-done")).textContent).toContain("Two-step sign-in is on.");

    // Signing in now asks for the code.
    const fetch = server.browser();
    const step = await fetch(`${server.origin}/api/team/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "hal@example.com", password: hal.password }) });
    expect(((await step.json()) as { value: { step: string } }).value.step).toBe("second-factor");
  });
});
