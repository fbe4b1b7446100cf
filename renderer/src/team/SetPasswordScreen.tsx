/**
 * Setting a password from a one-time link (an invite, or the first admin's link from the command
 * line): the new password twice, checked against the server's rule as it is typed; on success,
 * on to sign in with the email filled in.
 */
import { useState } from "react";
import { useStore } from "zustand";
import { Field } from "./Field.tsx";
import { PASSWORD_RULE, passwordProblem } from "../../../shared/operator-password.ts";
import { TeamErrorBanner } from "./TeamErrorBanner.tsx";
import { useTeam } from "./TeamContext.tsx";
import { teamFieldError, useTeamAction } from "./useTeamAction.ts";

export function SetPasswordScreen({ token }: { token: string }) {
  const team = useTeam();
  if (!team) throw new Error("SetPasswordScreen needs a team server.");
  const { api, gate } = team;
  const passwordSet = useStore(gate, (s) => s.passwordSet);
  const toSignIn = useStore(gate, (s) => s.toSignIn);
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [problems, setProblems] = useState<{ password?: string; repeat?: string }>({});

  const save = useTeamAction(async () => {
    const { email } = await api.setPassword(token, password);
    passwordSet(email);
  });

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (save.pending) return;
    const problem = passwordProblem(password);
    const found = {
      ...(problem ? { password: problem } : {}),
      ...(!problem && repeat !== password ? { repeat: "The two passwords are not the same. Type the same password twice." } : {}),
    };
    setProblems(found);
    if (Object.keys(found).length === 0) void save.run();
  };

  const passwordError = problems.password ?? teamFieldError(save.error, "password");
  const linkGone = save.error?.code === "LINK_INVALID";

  return (
    <main className="auth-screen" data-testid="set-password">
      <h1>Set your Gatehouse password</h1>
      <p>This link works once. Choose the password you will sign in with.</p>
      <form className="form" aria-label="Set password" onSubmit={submit} noValidate>
        <Field label="New password" hint={PASSWORD_RULE} error={passwordError}>
          {(props) => <input {...props} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus data-testid="set-password-new" />}
        </Field>
        <Field label="Repeat the new password" error={problems.repeat}>
          {(props) => <input {...props} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} data-testid="set-password-repeat" />}
        </Field>
        {save.error && !passwordError ? <TeamErrorBanner error={save.error} title="Could not set the password" /> : null}
        <div className="dialog-actions">
          {linkGone ? (
            <button type="button" onClick={toSignIn} data-testid="set-password-to-sign-in">
              Go to sign in
            </button>
          ) : null}
          <button type="submit" className="button--primary" disabled={save.pending || linkGone} data-testid="set-password-submit">
            {save.pending ? "Setting…" : "Set password"}
          </button>
        </div>
      </form>
    </main>
  );
}
