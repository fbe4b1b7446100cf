/**
 * The user's second-factor phone (seed 03): its state, and for support and admins the guided
 * reset (SecondFactorResetDialog). Closing the dialog returns focus to the button that opened it.
 */
import { useEffect, useRef, useState } from "react";
import { Can } from "../../app/StoresContext.tsx";
import { SecondFactorBadge } from "../../components/SecondFactorBadge.tsx";
import type { UserDetail } from "../../stores/types.ts";
import { ResetDialog } from "./SecondFactorResetDialog.tsx";

export function SecondFactorSection({ user }: { user: UserDetail }) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Back to the button that opened the dialog, whatever had focus when it opened (a click does not
  // focus a button everywhere). Runs after the dialog's own clean-up.
  useEffect(() => {
    if (wasOpen.current && !open) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const f = user.secondFactor;
  return (
    <section className="card" aria-labelledby="second-factor-title" data-testid="second-factor-section">
      <div className="card__header">
        <h2 id="second-factor-title">Second-factor phone</h2>
        <Can permission="second-factor:reset">
          <button type="button" ref={opener} onClick={() => setOpen(true)} data-testid="second-factor-reset">
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
