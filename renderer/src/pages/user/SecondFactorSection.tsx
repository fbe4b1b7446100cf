/**
 * The user's second-factor phone (seed 03): its state, and for support and admins the guided
 * reset — reason and ticket, replace the phone or clear the enrollment, confirm, the result.
 */
import { useState } from "react";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import { Can, useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Modal } from "../../components/Modal.tsx";
import { SecondFactorBadge } from "../../components/SecondFactorBadge.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";
import type { UserDetail } from "../../stores/types.ts";

export function SecondFactorSection({ user }: { user: UserDetail }) {
  const [open, setOpen] = useState(false);
  const f = user.secondFactor;
  return (
    <section className="card" aria-labelledby="second-factor-title" data-testid="second-factor-section">
      <div className="card__header">
        <h2 id="second-factor-title">Second-factor phone</h2>
        <Can permission="second-factor:reset">
          <button type="button" onClick={() => setOpen(true)} data-testid="second-factor-reset">
            Reset second-factor phone…
          </button>
        </Can>
      </div>
      <p>
        {f.state === "none" ? "Not enrolled: the person enrolls a phone at their next sign-in." : f.state === "enrolled" ? "Enrolled: " : "Broken link: "}
        {f.state === "none" ? null : <SecondFactorBadge factor={f} />}
      </p>
      {f.state !== "none" ? <p className="muted small mono">Passwordless user {f.passwordlessUserId}</p> : null}
      {open ? <ResetDialog user={user} onClose={() => setOpen(false)} /> : null}
    </section>
  );
}

type Result = OutputOf<"secondFactor.reset">;

export function ResetDialog({ user, onClose }: { user: UserDetail; onClose: () => void }) {
  const { client, userDetail, ui } = useStores();
  const [reason, setReason] = useState("");
  const [ticket, setTicket] = useState("");
  const [kind, setKind] = useState<"replace" | "clear">("replace");
  const [phone, setPhone] = useState("");
  const [deleteOld, setDeleteOld] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const f = user.secondFactor;
  const ready = reason.trim() !== "" && ticket.trim() !== "" && (kind === "clear" || phone.trim() !== "");
  const action = useAsyncAction(async () => {
    const out = await client.invoke("secondFactor.reset", {
      userId: user.id,
      reason: reason.trim(),
      ticket: ticket.trim(),
      action: kind === "replace" ? { kind, phoneNumber: phone.trim() } : { kind, deletePasswordlessUser: deleteOld },
    });
    setResult(out);
    ui.getState().notify(out.alreadyDone ? "Second-factor reset: already done, nothing changed" : "Second-factor phone reset");
    void userDetail.getState().reload();
  });
  const choice = kind === "replace" ? `replace the phone with ${phone.trim()}` : `clear the enrollment and ${deleteOld ? "delete" : "keep"} the old Passwordless user`;

  return (
    <Modal title="Reset second-factor phone" onClose={onClose} testId="sf-dialog" wide>
      {result ? (
        <div data-testid="sf-result">
          <p>{result.alreadyDone ? "Already done: nothing was changed." : result.resumed ? "Finished a reset an earlier run had left half-done." : "Done."}</p>
          <p>
            Before: <SecondFactorBadge factor={result.before} /> → after: <SecondFactorBadge factor={result.after} />
          </p>
          <ul className="small">
            {result.steps.map((s, i) => (
              <li key={i}>
                {s.step}: {s.status} — {s.detail}
              </li>
            ))}
          </ul>
          <p>
            {result.sessionsRevoked} session(s) ended.{result.oldPasswordlessUser !== "none" ? ` Old Passwordless user ${result.oldPasswordlessUser}.` : ""}
          </p>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready || action.pending) return;
            if (!confirming) setConfirming(true);
            else void action.run();
          }}
        >
          <p>
            Current: <SecondFactorBadge factor={f} />
          </p>
          <label className="field">
            <span>Reason (required, goes to the audit log)</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="sf-reason" />
          </label>
          <label className="field">
            <span>Ticket reference (required)</span>
            <input value={ticket} onChange={(e) => setTicket(e.target.value)} required data-testid="sf-ticket" />
          </label>
          <fieldset className="choices">
            <legend>What to do</legend>
            <label className="choice">
              <input type="radio" name="sf-kind" checked={kind === "replace"} onChange={() => setKind("replace")} /> Replace the phone
            </label>
            {kind === "replace" ? (
              <label className="field">
                <span>New phone (E.164, e.g. +14155550142; normalised)</span>
                <input value={phone} onChange={(e) => setPhone(e.target.value)} inputMode="tel" data-testid="sf-phone" />
              </label>
            ) : null}
            <label className="choice">
              <input type="radio" name="sf-kind" checked={kind === "clear"} onChange={() => setKind("clear")} data-testid="sf-clear" /> Clear the enrollment (the person enrolls again at next sign-in)
            </label>
            {kind === "clear" ? (
              <label className="field">
                <span>The old Passwordless user</span>
                <select value={deleteOld ? "delete" : "keep"} onChange={(e) => setDeleteOld(e.target.value === "delete")} data-testid="sf-delete-choice">
                  <option value="keep">Keep it</option>
                  <option value="delete">Delete it</option>
                </select>
              </label>
            ) : null}
          </fieldset>
          <p className="muted small">All sessions of the user and of the Passwordless user are revoked.</p>
          {confirming ? <p data-testid="sf-confirm-text">You are about to {choice}. Confirm?</p> : null}
          {action.error ? <ErrorBanner error={action.error} title="The reset did not finish" /> : null}
          <button type="submit" className="button--danger" disabled={!ready || action.pending} data-testid="sf-confirm">
            {confirming ? (action.error ? "Run again to finish" : "Confirm reset") : "Review…"}
          </button>
        </form>
      )}
    </Modal>
  );
}
