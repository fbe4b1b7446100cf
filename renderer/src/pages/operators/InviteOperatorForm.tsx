/**
 * Invite an operator by email with a role. The answer's set-password link is shown here once, to
 * copy and send to them (Gatehouse does not mail it); closing the panel forgets it.
 */
import { useState } from "react";
import { OPERATOR_ROLES, type OperatorRole } from "../../../../shared/contract/permissions.ts";
import { fieldError } from "../../api/errors.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { isoDateTime } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import type { Invited } from "../../stores/types.ts";
import { CopyText } from "../invites/CopyText.tsx";
import { Countdown } from "../invites/Countdown.tsx";
import { ROLE_SUMMARY } from "./roles.ts";

export function InviteOperatorForm({ onClose }: { onClose: () => void }) {
  const { operators } = useStores();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<OperatorRole>("support");
  const [missing, setMissing] = useState(false);
  const [invited, setInvited] = useState<Invited | null>(null);

  const invite = useAsyncAction(async () => {
    setInvited(await operators.getState().invite(email.trim(), role));
  });
  const emailError = (missing ? "Enter the email address of the person to invite." : undefined) ?? fieldError(invite.error, "email");
  const roleError = fieldError(invite.error, "role");

  if (invited) {
    return (
      <div className="card" data-testid="operator-invited">
        <h2>
          {invited.operator.email} is invited as {invited.operator.role}
        </h2>
        <div className="callout callout--warn" role="status">
          <p>
            Send them this link yourself (Gatehouse does not mail it). With it they set their password, then sign in. It is shown <strong>only now</strong>, works once,
            and expires in <Countdown at={invited.link.expiresAt} /> (at {isoDateTime(invited.link.expiresAt)}). If it is lost, remove the operator and invite them again.
          </p>
          <CopyText text={invited.link.url} label="Set-password link" testId="operator-invite-link" />
        </div>
        <div className="dialog-actions">
          <button
            type="button"
            onClick={() => {
              setInvited(null);
              setEmail("");
            }}
            data-testid="operator-invite-another"
          >
            Invite another
          </button>
          <button type="button" className="button--primary" onClick={onClose} data-testid="operator-invite-done">
            Done
          </button>
        </div>
      </div>
    );
  }

  return (
    <form
      className="card form"
      aria-label="Invite an operator"
      data-testid="operator-invite-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const empty = email.trim() === "";
        setMissing(empty);
        if (!empty) void invite.run();
      }}
    >
      <h2>Invite an operator</h2>
      <label className="field" {...(emailError ? { "data-invalid": "" } : {})}>
        <span className="field__label">Email address</span>
        <input type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus aria-invalid={Boolean(emailError)} data-testid="operator-invite-email" />
        {emailError ? <span className="field__error">Email address: {emailError}</span> : null}
      </label>
      <fieldset className="choices">
        <legend>Role</legend>
        {OPERATOR_ROLES.map((r) => (
          <label key={r} className="choice">
            <input type="radio" name="operator-role" value={r} checked={role === r} onChange={() => setRole(r)} data-testid={`operator-invite-role-${r}`} />
            <span>
              <strong>{r}</strong> <span className="muted">— {ROLE_SUMMARY[r]}</span>
            </span>
          </label>
        ))}
        {roleError ? <span className="field__error">Role: {roleError}</span> : null}
      </fieldset>
      {invite.error && !emailError && !roleError ? <ErrorBanner error={invite.error} title="Could not invite" /> : null}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button--primary" disabled={invite.pending} data-testid="operator-invite-submit">
          {invite.pending ? "Inviting…" : "Invite"}
        </button>
      </div>
    </form>
  );
}
