/**
 * Two-step sign-in for oneself: set it up (the secret and its otpauth:// URI, shown this once, as
 * text to copy into an authenticator app — no QR library is bundled), confirmed with a first
 * code; or turn it off with a current code. When the page does not know whether it is on, both
 * are offered and the server says which applies.
 */
import { useState } from "react";
import { TeamApiError, type Enrolment } from "../api/team.ts";
import { Modal } from "../components/Modal.tsx";
import { CopyText } from "../pages/invites/CopyText.tsx";
import { Field } from "./Field.tsx";
import { TeamErrorBanner } from "./TeamErrorBanner.tsx";
import { useTeam } from "./TeamContext.tsx";
import { teamFieldError, useTeamAction } from "./useTeamAction.ts";

const CODE = /^\d{6}$/;
const CODE_PROBLEM = "Enter the 6-digit code your authenticator app shows now.";

export function TwoStepDialog({ on, onChange, onClose }: { on: boolean | undefined; onChange: (on: boolean) => void; onClose: () => void }) {
  const team = useTeam();
  if (!team) throw new Error("TwoStepDialog needs a team server.");
  const { api, gate } = team;
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState("");
  const [missing, setMissing] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | null>(null);

  const ended = (err: unknown): never => {
    if (err instanceof TeamApiError && err.status === 401) gate.getState().sessionEnded();
    throw err;
  };
  const enrol = useTeamAction(async () => setEnrolment(await api.enrolSecondFactor().catch(ended)));
  const confirm = useTeamAction(async () => {
    await api.confirmSecondFactor(code.trim()).catch(ended);
    onChange(true);
    setDone("Two-step sign-in is on. From your next sign-in, Gatehouse asks for a code from your authenticator app after your password.");
  });
  const turnOff = useTeamAction(async () => {
    await api.turnOffSecondFactor(code.trim()).catch(ended);
    onChange(false);
    setDone("Two-step sign-in is off. You sign in with your password alone.");
  });

  const submit = (action: typeof confirm) => (event: React.FormEvent) => {
    event.preventDefault();
    const problem = CODE.test(code.trim()) ? undefined : CODE_PROBLEM;
    setMissing(problem);
    if (!problem) void action.run();
  };

  const alreadyOn = enrol.error?.code === "CONFLICT";
  const showTurnOff = !enrolment && (on === true || (on === undefined && !enrol.pending) || alreadyOn);
  const showSetUp = !enrolment && on !== true && !alreadyOn;

  return (
    <Modal title="Two-step sign-in" onClose={onClose} testId="two-step-dialog" wide>
      <div className="form">
        {done ? (
          <>
            <p className="callout callout--info" role="status" data-testid="two-step-done">
              {done}
            </p>
            <div className="dialog-actions">
              <button type="button" className="button--primary" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        ) : enrolment ? (
          <form className="form" aria-label="Confirm two-step sign-in" onSubmit={submit(confirm)} noValidate>
            <p>
              In your authenticator app (Google Authenticator, 1Password, Authy, …) add an account with this secret, or open the otpauth link on the device that has the app.
              They are shown only now.
            </p>
            <div className="field">
              <span className="field__label">Secret</span>
              <CopyText text={enrolment.secret} label="Secret for the authenticator app" testId="two-step-secret" />
            </div>
            <div className="field">
              <span className="field__label">otpauth link</span>
              <CopyText text={enrolment.otpauthUri} label="otpauth link for the authenticator app" testId="two-step-uri" />
            </div>
            <Field label="First code from the app" error={missing ?? teamFieldError(confirm.error, "code")}>
              {(props) => <input {...props} inputMode="numeric" autoComplete="one-time-code" maxLength={6} size={8} value={code} onChange={(e) => setCode(e.target.value)} data-testid="two-step-code" />}
            </Field>
            {confirm.error && !teamFieldError(confirm.error, "code") ? <TeamErrorBanner error={confirm.error} title="Could not turn two-step sign-in on" /> : null}
            <div className="dialog-actions">
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="button--primary" disabled={confirm.pending} data-testid="two-step-confirm">
                {confirm.pending ? "Checking…" : "Turn on"}
              </button>
            </div>
          </form>
        ) : (
          <>
            {showSetUp ? (
              <section className="stack">
                <p>With two-step sign-in, signing in asks for a code from an authenticator app on your phone as well as your password.</p>
                <button type="button" className="button--primary" onClick={() => void enrol.run()} disabled={enrol.pending} data-testid="two-step-set-up">
                  {enrol.pending ? "Starting…" : "Set up two-step sign-in"}
                </button>
                {enrol.error && !alreadyOn ? <TeamErrorBanner error={enrol.error} title="Could not start" /> : null}
              </section>
            ) : null}
            {alreadyOn ? (
              <p className="callout callout--info" role="status">
                Two-step sign-in is already on for you. To move it to another app, turn it off here with a current code, then set it up again.
              </p>
            ) : null}
            {showTurnOff ? (
              <form className="form" aria-label="Turn off two-step sign-in" onSubmit={submit(turnOff)} noValidate>
                <h3>{on === undefined && !alreadyOn ? "Already on? Turn it off" : "Turn it off"}</h3>
                <Field label="Current code from the app" error={missing ?? teamFieldError(turnOff.error, "code")}>
                  {(props) => <input {...props} inputMode="numeric" autoComplete="one-time-code" maxLength={6} size={8} value={code} onChange={(e) => setCode(e.target.value)} data-testid="two-step-off-code" />}
                </Field>
                {turnOff.error && !teamFieldError(turnOff.error, "code") ? <TeamErrorBanner error={turnOff.error} title="Could not turn two-step sign-in off" /> : null}
                <p className="field__hint">Lost the phone with the app? Ask an admin to reset your second factor.</p>
                <div className="dialog-actions">
                  <button type="submit" className="button--danger" disabled={turnOff.pending} data-testid="two-step-off">
                    {turnOff.pending ? "Checking…" : "Turn off"}
                  </button>
                </div>
              </form>
            ) : null}
          </>
        )}
      </div>
    </Modal>
  );
}
