/**
 * The demo app's sign-in page: passwordless sign-in with supertokens-web-js against the demo
 * backend (/api/auth). Email or phone → createCode → the OTP (or the magic link, which lands on
 * /auth/verify) → consumeCode → signed in, showing the user id.
 */
import SuperTokens from "supertokens-web-js";
import Passwordless from "supertokens-web-js/recipe/passwordless";
import Session from "supertokens-web-js/recipe/session";

SuperTokens.init({
  appInfo: { appName: "Gatehouse demo app", apiDomain: window.location.origin, apiBasePath: "/api/auth" },
  recipeList: [Session.init(), Passwordless.init()],
});

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const status = el<HTMLParagraphElement>("status");
const contactForm = el<HTMLFormElement>("contact-form");
const otpForm = el<HTMLFormElement>("otp-form");
const signedIn = el<HTMLElement>("signed-in");
const errorBox = el<HTMLParagraphElement>("error");

function show(view: "contact" | "otp" | "signed-in" | "none", message = ""): void {
  contactForm.hidden = view !== "contact";
  otpForm.hidden = view !== "otp";
  signedIn.hidden = view !== "signed-in";
  status.textContent = message;
}

function showError(message: string): void {
  errorBox.textContent = message;
}

function messageOf(err: unknown): string {
  // What STGeneralError.isThisError checks (its static is lost in the bundle's CJS interop): the
  // backend answered GENERAL_ERROR, e.g. "Sign up disabled. Please contact the admin."
  if (err instanceof Error && (err as { isSuperTokensGeneralError?: unknown }).isSuperTokensGeneralError === true) return err.message;
  return err instanceof Error ? `Something went wrong: ${err.message}` : "Something went wrong.";
}

async function showSignedIn(): Promise<void> {
  const res = await fetch("/api/me", { credentials: "same-origin" });
  if (!res.ok) {
    show("contact", "Sign in with your email or phone number.");
    return;
  }
  const me = (await res.json()) as { userId: string; emails: string[]; phoneNumbers: string[] };
  el("user-id").textContent = me.userId;
  el("user-contact").textContent = [...me.emails, ...me.phoneNumbers].join(", ");
  if (window.location.pathname !== "/") window.history.replaceState(null, "", "/");
  show("signed-in", "You are signed in.");
}

contactForm.addEventListener("submit", (event) => {
  event.preventDefault();
  showError("");
  const value = el<HTMLInputElement>("contact").value.trim();
  void (async () => {
    try {
      const result = await Passwordless.createCode(value.includes("@") ? { email: value } : { phoneNumber: value });
      if (result.status !== "OK") return showError(`Sign-in is not allowed: ${result.reason}`);
      el("sent-to").textContent = value;
      show("otp", "We sent you a code and a link.");
      el<HTMLInputElement>("otp").focus();
    } catch (err) {
      showError(messageOf(err));
    }
  })();
});

otpForm.addEventListener("submit", (event) => {
  event.preventDefault();
  showError("");
  const userInputCode = el<HTMLInputElement>("otp").value.trim();
  void (async () => {
    try {
      const result = await Passwordless.consumeCode({ userInputCode });
      if (result.status === "OK") {
        await Passwordless.clearLoginAttemptInfo();
        return showSignedIn();
      }
      if (result.status === "INCORRECT_USER_INPUT_CODE_ERROR") {
        return showError(`Wrong code (${result.maximumCodeInputAttempts - result.failedCodeInputAttemptCount} attempts left).`);
      }
      if (result.status === "EXPIRED_USER_INPUT_CODE_ERROR") return showError("That code has expired. Ask for a new one.");
      await Passwordless.clearLoginAttemptInfo();
      show("contact");
      showError(result.status === "SIGN_IN_UP_NOT_ALLOWED" ? `Sign-in is not allowed: ${result.reason}` : "Please start again.");
    } catch (err) {
      showError(messageOf(err));
    }
  })();
});

el("restart").addEventListener("click", () => {
  void Passwordless.clearLoginAttemptInfo().then(() => show("contact", "Sign in with your email or phone number."));
});

el("sign-out").addEventListener("click", () => {
  void Session.signOut().then(() => show("contact", "Signed out."));
});

async function start(): Promise<void> {
  if (window.location.pathname === "/auth/verify") {
    show("none", "Signing you in…");
    try {
      const result = await Passwordless.consumeCode();
      if (result.status === "OK") return showSignedIn();
      show("contact");
      showError(result.status === "RESTART_FLOW_ERROR" ? "This link has expired or was already used. Sign in with your email or phone." : "This link did not work. Sign in with your email or phone.");
    } catch (err) {
      show("contact");
      showError(messageOf(err));
    }
    return;
  }
  if (await Session.doesSessionExist()) return showSignedIn();
  const attempt = await Passwordless.getLoginAttemptInfo();
  if (attempt) show("otp", "Enter the code we sent you.");
  else show("contact", "Sign in with your email or phone number.");
}

void start();
