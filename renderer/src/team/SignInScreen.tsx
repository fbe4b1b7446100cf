/**
 * Signing in to a team server: email and password, then — when the operator has two-step sign-in
 * on — the 6-digit code from their authenticator app. A paused sign-in (too many failures) keeps
 * the button off until the time the server gave.
 */
import { useEffect, useRef, useState } from "react";
import { useStore } from "zustand";
import { TeamApiError } from "../api/team.ts";
import { Field } from "./Field.tsx";
import type { GateNotice } from "./gate.ts";
import { TeamErrorBanner } from "./TeamErrorBanner.tsx";
import { useTeam } from "./TeamContext.tsx";
import { teamFieldError, useTeamAction } from "./useTeamAction.ts";

const CODE = /^\d{6}$/;

export function SignInScreen({ notice, email: initialEmail }: { notice: GateNotice | null; email: string }) {
  const team = useTeam();
  if (!team) throw new Error("SignInScreen needs a team server.");
  const { api, gate } = team;
  const signedIn = useStore(gate, (s) => s.signedIn);
  const [step, setStep] = useState<"password" | "code">("password");
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [missing, setMissing] = useState<{ email?: string; password?: string; code?: string }>({});
  const [codeExpired, setCodeExpired] = useState<TeamApiError | null>(null);
  const paused = usePause();

  // Paused in the same update as the error is shown, so the button is never on in between.
  const pauseOn = (err: unknown): never => {
    if (err instanceof TeamApiError && err.code === "RATE_LIMITED") paused.until(Date.now() + (err.retryAfterSec ?? 60) * 1000);
    throw err;
  };
  const withPassword = useTeamAction(async () => {
    const answer = await api.signIn(email.trim(), password).catch(pauseOn);
    setPassword("");
    if (answer.step === "signed-in") signedIn(answer.session);
    else {
      setCode("");
      setStep("code");
    }
  });
  const withCode = useTeamAction(async () => {
    signedIn(await api.signInCode(code.replace(/\s+/g, "")).catch(pauseOn));
  });
  const action = step === "password" ? withPassword : withCode;
  const error = action.error;

  useEffect(() => {
    // The code step's challenge expired or was used: start over with the password.
    if (step === "code" && error?.code === "LINK_INVALID") {
      setCodeExpired(error);
      setStep("password");
    }
  }, [error]);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (action.pending || paused.active) return;
    if (step === "password") {
      const problems = { ...(email.trim() ? {} : { email: "Enter your email address." }), ...(password ? {} : { password: "Enter your password." }) };
      setMissing(problems);
      if (Object.keys(problems).length > 0) return;
      setCodeExpired(null);
      void withPassword.run();
    } else {
      const problems = CODE.test(code.replace(/\s+/g, "")) ? {} : { code: "Enter the 6-digit code your authenticator app shows now." };
      setMissing(problems);
      if (problems.code) return;
      void withCode.run();
    }
  };

  const emailError = missing.email ?? teamFieldError(error, "email");
  const passwordError = missing.password ?? teamFieldError(error, "password");
  // A wrong code is a refused sign-in (SIGN_IN_FAILED) whose place is the code field.
  const codeError = missing.code ?? teamFieldError(error, "code") ?? (step === "code" && error?.code === "SIGN_IN_FAILED" ? error.message : undefined);
  const bannerError = error && !emailError && !passwordError && !codeError ? error : codeExpired;

  return (
    <main className="auth-screen" data-testid="sign-in">
      <h1>Sign in to Gatehouse</h1>
      <p className="muted">{hostOf(api.http.origin)}</p>
      {notice ? (
        <p className={`callout callout--${notice.tone}`} role="status" data-testid="sign-in-notice">
          {notice.text}
        </p>
      ) : null}
      <form className="form" aria-label="Sign in" onSubmit={submit} noValidate>
        {step === "password" ? (
          <>
            <Field label="Email address" error={emailError}>
              {(props) => (
                <input
                  {...props}
                  type="email"
                  autoComplete="username"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  autoFocus={initialEmail === ""}
                  data-testid="sign-in-email"
                />
              )}
            </Field>
            <Field label="Password" error={passwordError}>
              {(props) => (
                <input
                  {...props}
                  type="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  autoFocus={initialEmail !== ""}
                  data-testid="sign-in-password"
                />
              )}
            </Field>
          </>
        ) : (
          <>
            <p data-testid="sign-in-code-step">
              Two-step sign-in is on for <strong>{email.trim()}</strong>. Enter the 6-digit code your authenticator app shows for Gatehouse.
            </p>
            <Field label="Code" error={codeError}>
              {(props) => (
                <input
                  {...props}
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={7}
                  size={8}
                  value={code}
                  onChange={(e) => setCode(e.target.value)}
                  autoFocus
                  data-testid="sign-in-code"
                />
              )}
            </Field>
          </>
        )}
        {bannerError ? <TeamErrorBanner error={bannerError} title="Could not sign in" /> : null}
        <div className="dialog-actions">
          {step === "code" ? (
            <button
              type="button"
              onClick={() => {
                withCode.reset();
                setMissing({});
                setStep("password");
              }}
            >
              Back
            </button>
          ) : null}
          <button type="submit" className="button--primary" disabled={action.pending || paused.active} data-testid="sign-in-submit">
            {action.pending ? "Signing in…" : paused.active ? "Sign-in paused" : step === "password" ? "Sign in" : "Verify code"}
          </button>
        </div>
      </form>
      <p className="field__hint">No password yet, or forgot it? An admin of this server sends you a one-time link to set one.</p>
    </main>
  );
}

/** Until when sign-in is paused; `active` turns false by itself at that time. */
function usePause() {
  const [until, setUntil] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return {
    active: until !== null,
    until(at: number) {
      clearTimeout(timer.current);
      setUntil(at);
      timer.current = setTimeout(() => setUntil(null), Math.max(0, at - Date.now()));
    },
  };
}

const hostOf = (origin: string): string => {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
};
