/**
 * The demo app's migration page (seed 04) with supertokens-web-js: email + password sign-in and
 * sign-up, "forgot your password" (the reset mail's link lands on /auth/reset-password), and the
 * signed-in view with the user id (the legacy id of a migrated user) and what was imported.
 * Everything a migration decides happens in the backend's overrides (the backend kit).
 */
import SuperTokens from "supertokens-web-js";
import EmailPassword from "supertokens-web-js/recipe/emailpassword";
import Session from "supertokens-web-js/recipe/session";

SuperTokens.init({
  appInfo: { appName: "Gatehouse demo app", apiDomain: window.location.origin, apiBasePath: "/api/auth" },
  recipeList: [Session.init(), EmailPassword.init()],
});

type View = "sign-in" | "forgot" | "reset" | "signed-in";

interface Me {
  userId: string;
  emails: string[];
  emailVerified: boolean;
  name: string | null;
}

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const views: Record<View, HTMLElement> = {
  "sign-in": el("sign-in-form"),
  forgot: el("forgot-form"),
  reset: el("reset-form"),
  "signed-in": el("signed-in"),
};

function show(view: View, message: string): void {
  for (const [name, node] of Object.entries(views)) node.hidden = name !== view;
  el("status").textContent = message;
  showError("");
  const first = views[view].querySelector<HTMLElement>("input, button");
  first?.focus();
}

function showError(message: string): void {
  el("error").textContent = message;
}

function messageOf(err: unknown): string {
  // STGeneralError (its static isThisError is lost in the bundle's CJS interop): the backend's
  // GENERAL_ERROR message, e.g. when the old sign-in service cannot be reached.
  if (err instanceof Error && (err as { isSuperTokensGeneralError?: unknown }).isSuperTokensGeneralError === true) return err.message;
  return err instanceof Error ? `Something went wrong: ${err.message}` : "Something went wrong.";
}

const fieldErrors = (fields: { id: string; error: string }[]): string => fields.map((f) => f.error).join(" ");

async function showSignedIn(): Promise<void> {
  const res = await fetch("/api/me", { credentials: "same-origin" });
  if (res.status === 401) return show("sign-in", "Your session has ended. Sign in again.");
  if (!res.ok) return showError(`Something went wrong (${res.status}).`);
  const me = (await res.json()) as Me;
  el("user-id").textContent = me.userId;
  el("user-email").textContent = me.emails.join(", ");
  el("user-verified").textContent = me.emailVerified ? "verified" : "not verified";
  el("user-name").textContent = me.name ?? "—";
  show("signed-in", "You are signed in.");
}

function credentials(): { id: string; value: string }[] {
  return [
    { id: "email", value: el<HTMLInputElement>("email").value.trim() },
    { id: "password", value: el<HTMLInputElement>("password").value },
  ];
}

async function signIn(): Promise<void> {
  showError("");
  try {
    const result = await EmailPassword.signIn({ formFields: credentials() });
    if (result.status === "OK") return showSignedIn();
    if (result.status === "WRONG_CREDENTIALS_ERROR") return showError("Wrong email or password.");
    if (result.status === "FIELD_ERROR") return showError(fieldErrors(result.formFields));
    showError(`Not allowed: ${result.reason}`);
  } catch (err) {
    showError(messageOf(err));
  }
}

async function signUp(): Promise<void> {
  showError("");
  try {
    const result = await EmailPassword.signUp({ formFields: credentials() });
    if (result.status === "OK") return showSignedIn();
    if (result.status === "FIELD_ERROR") return showError(fieldErrors(result.formFields));
    showError(`Not allowed: ${result.reason}`);
  } catch (err) {
    showError(messageOf(err));
  }
}

async function askForReset(): Promise<void> {
  showError("");
  const email = el<HTMLInputElement>("forgot-email").value.trim();
  try {
    const result = await EmailPassword.sendPasswordResetEmail({ formFields: [{ id: "email", value: email }] });
    if (result.status === "FIELD_ERROR") return showError(fieldErrors(result.formFields));
    if (result.status === "PASSWORD_RESET_NOT_ALLOWED") return showError(result.reason);
    el("status").textContent = `If ${email} has an account, we sent it a link to set a new password.`;
  } catch (err) {
    showError(messageOf(err));
  }
}

async function setNewPassword(): Promise<void> {
  showError("");
  try {
    const result = await EmailPassword.submitNewPassword({ formFields: [{ id: "password", value: el<HTMLInputElement>("new-password").value }] });
    if (result.status === "FIELD_ERROR") return showError(fieldErrors(result.formFields));
    if (result.status === "RESET_PASSWORD_INVALID_TOKEN_ERROR") return showError("This link has expired or was used already. Ask for a new one.");
    window.history.replaceState(null, "", "/");
    show("sign-in", "Your new password is set. Sign in with it.");
  } catch (err) {
    showError(messageOf(err));
  }
}

const submit = (view: View, run: () => Promise<void>) =>
  views[view].addEventListener("submit", (event) => {
    event.preventDefault();
    void run();
  });
submit("sign-in", signIn);
submit("forgot", askForReset);
submit("reset", setNewPassword);
el("sign-up").addEventListener("click", () => {
  if ((views["sign-in"] as HTMLFormElement).reportValidity()) void signUp();
});
el("forgot-link").addEventListener("click", () => {
  el<HTMLInputElement>("forgot-email").value = el<HTMLInputElement>("email").value.trim();
  show("forgot", "We will email you a link to set a new password.");
});
el("back-to-sign-in").addEventListener("click", () => show("sign-in", "Sign in with your email and password."));
el("sign-out").addEventListener("click", () => {
  void Session.signOut().then(() => show("sign-in", "Signed out."));
});

async function start(): Promise<void> {
  if (window.location.pathname === "/auth/reset-password") return show("reset", "Choose a new password.");
  if (await Session.doesSessionExist()) return showSignedIn();
  show("sign-in", "Sign in with your email and password. Accounts from our previous sign-in service work here too.");
}

void start();
