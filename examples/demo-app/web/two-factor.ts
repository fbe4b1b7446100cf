/**
 * The demo app's 2fa page (seed 03) with supertokens-web-js: email + password (sign up or sign
 * in) → an SMS code to the phone the person enrolls the first time, or to the enrolled phone
 * (shown masked) afterwards → "2FA complete" with the phone from the access token payload.
 */
import SuperTokens from "supertokens-web-js";
import EmailPassword from "supertokens-web-js/recipe/emailpassword";
import Passwordless from "supertokens-web-js/recipe/passwordless";
import Session from "supertokens-web-js/recipe/session";
import { DEFAULT_DATA_CONTRACT } from "@gatehouse/backend-kit/data-contract";

SuperTokens.init({
  appInfo: { appName: "Gatehouse demo app", apiDomain: window.location.origin, apiBasePath: "/api/auth" },
  recipeList: [Session.init(), EmailPassword.init(), Passwordless.init()],
});

type View = "first-factor" | "phone" | "enrolled" | "otp" | "protected" | "none";
interface TwoFactorState {
  completed: boolean;
  enrollment: "none" | "enrolled" | "broken";
  phoneNumber?: string;
  maskedPhone?: string;
}

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const views: Record<Exclude<View, "none">, HTMLElement> = {
  "first-factor": el("first-factor-form"),
  phone: el("phone-form"),
  enrolled: el("enrolled-form"),
  otp: el("otp-form"),
  protected: el("protected"),
};
let enrolledPhone: string | undefined;

function show(view: View, message = ""): void {
  for (const [name, node] of Object.entries(views)) node.hidden = name !== view;
  el("sign-out").hidden = view === "first-factor" || view === "none";
  el("status").textContent = message;
}

const showError = (message: string): void => {
  el("error").textContent = message;
};

function messageOf(err: unknown): string {
  // STGeneralError (its static isThisError is lost in the bundle's CJS interop): the backend's
  // GENERAL_ERROR message, e.g. "This phone number is not the one enrolled for your account."
  if (err instanceof Error && (err as { isSuperTokensGeneralError?: unknown }).isSuperTokensGeneralError === true) return err.message;
  return err instanceof Error ? `Something went wrong: ${err.message}` : "Something went wrong.";
}

/** After the first factor: where the second one stands. */
async function next(): Promise<void> {
  const res = await fetch("/api/2fa/state", { credentials: "same-origin" });
  if (res.status === 401) return show("first-factor", "Your session has ended. Sign in again.");
  if (!res.ok) return showError(`Something went wrong (${res.status}).`);
  const state = (await res.json()) as TwoFactorState;
  if (state.completed) return showProtected();
  if (state.enrollment === "broken") {
    show("none", "Second factor");
    return showError("Your second-factor phone cannot be used. Please contact support.");
  }
  if (state.enrollment === "enrolled" && state.phoneNumber) {
    enrolledPhone = state.phoneNumber;
    el("masked-phone").textContent = state.maskedPhone ?? "";
    return show("enrolled", "Second factor: a code by SMS.");
  }
  enrolledPhone = undefined;
  show("phone", "Second factor: enroll your phone.");
}

async function showProtected(): Promise<void> {
  const res = await fetch("/api/me", { credentials: "same-origin" });
  if (res.status === 401) return show("first-factor", "Your session has ended. Sign in again.");
  if (!res.ok) return next();
  const me = (await res.json()) as { userId: string; emails: string[] };
  const payload = (await Session.getAccessTokenPayloadSecurely()) as Record<string, unknown>;
  el("user-email").textContent = me.emails.join(", ");
  el("user-id").textContent = me.userId;
  el("session-phone").textContent = String(payload[DEFAULT_DATA_CONTRACT.phoneNumberPayloadKey] ?? "");
  show("protected", "You are signed in.");
}

async function firstFactor(kind: "sign-in" | "sign-up"): Promise<void> {
  showError("");
  const formFields = [
    { id: "email", value: el<HTMLInputElement>("email").value.trim() },
    { id: "password", value: el<HTMLInputElement>("password").value },
  ];
  try {
    const result = kind === "sign-up" ? await EmailPassword.signUp({ formFields }) : await EmailPassword.signIn({ formFields });
    if (result.status === "FIELD_ERROR") return showError(result.formFields.map((f) => `${f.id}: ${f.error}`).join("; "));
    if (result.status === "WRONG_CREDENTIALS_ERROR") return showError("Wrong email or password.");
    if (result.status !== "OK") return showError(`Not allowed: ${result.reason}`);
    await next();
  } catch (err) {
    showError(messageOf(err));
  }
}

async function sendCode(phoneNumber: string): Promise<void> {
  showError("");
  try {
    const result = await Passwordless.createCode({ phoneNumber });
    if (result.status !== "OK") return showError(`Not allowed: ${result.reason}`);
    el("sent-to").textContent = phoneNumber === enrolledPhone ? (el("masked-phone").textContent ?? "") : phoneNumber;
    show("otp", "We sent you a code.");
    el<HTMLInputElement>("otp").focus();
  } catch (err) {
    showError(messageOf(err));
  }
}

views["first-factor"].addEventListener("submit", (event) => {
  event.preventDefault();
  void firstFactor("sign-in");
});
el("sign-up").addEventListener("click", () => {
  if ((views["first-factor"] as HTMLFormElement).reportValidity()) void firstFactor("sign-up");
});
views.phone.addEventListener("submit", (event) => {
  event.preventDefault();
  void sendCode(el<HTMLInputElement>("phone").value.trim());
});
views.enrolled.addEventListener("submit", (event) => {
  event.preventDefault();
  if (enrolledPhone) void sendCode(enrolledPhone);
});
views.otp.addEventListener("submit", (event) => {
  event.preventDefault();
  showError("");
  const userInputCode = el<HTMLInputElement>("otp").value.trim();
  void (async () => {
    try {
      const result = await Passwordless.consumeCode({ userInputCode });
      if (result.status === "OK") {
        await Passwordless.clearLoginAttemptInfo();
        el<HTMLInputElement>("otp").value = "";
        return showProtected();
      }
      if (result.status === "INCORRECT_USER_INPUT_CODE_ERROR") {
        return showError(`Wrong code (${result.maximumCodeInputAttempts - result.failedCodeInputAttemptCount} attempts left).`);
      }
      if (result.status === "EXPIRED_USER_INPUT_CODE_ERROR") return showError("That code has expired. Ask for a new one.");
      await Passwordless.clearLoginAttemptInfo();
      await next();
      showError(result.status === "SIGN_IN_UP_NOT_ALLOWED" ? `Not allowed: ${result.reason}` : "Please ask for a new code.");
    } catch (err) {
      showError(messageOf(err));
    }
  })();
});
el("sign-out").addEventListener("click", () => {
  void Session.signOut().then(() => show("first-factor", "Signed out."));
});

async function start(): Promise<void> {
  if (!(await Session.doesSessionExist())) return show("first-factor", "Sign in or sign up with your email and password.");
  await Passwordless.clearLoginAttemptInfo();
  await next();
}

void start();
