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
  // The dialog belongs to the user it was opened for: following a link to another user (the
  // shared-phone notice has some) closes it rather than showing it for someone else.
  const [openFor, setOpenFor] = useState<string | null>(null);
  const open = openFor === user.id;
  useEffect(() => setOpenFor((o) => (o === user.id ? o : null)), [user.id]);
  const opener = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  // Closing returns focus to the button that opened the dialog, whatever had focus when it opened
  // (a click does not focus a button everywhere). Runs after the dialog's own clean-up.
  useEffect(() => {
    if (!open && refocus.current) opener.current?.focus();
    refocus.current = false;
  }, [open]);
  const close = () => {
    refocus.current = true;
    setOpenFor(null);
  };
  const f = user.secondFactor;
  return (
    <section className="card" aria-labelledby="second-factor-title" data-testid="second-factor-section">
      <div className="card__header">
        <h2 id="second-factor-title">Second-factor phone</h2>
        <Can permission="second-factor:reset">
          <button type="button" ref={opener} onClick={() => setOpenFor(user.id)} data-testid="second-factor-reset">
            Reset second-factor phone…
          </button>
        </Can>
      </div>
      <p>
        {f.state === "none" ? "Not enrolled: the person enrolls a phone at their next sign-in." : f.state === "enrolled" ? "Enrolled: " : "Broken link: "}
        {f.state === "none" ? null : <SecondFactorBadge factor={f} />}
      </p>
      {f.state !== "none" ? <p className="muted small mono">Passwordless user {f.passwordlessUserId}</p> : null}
      {open ? <ResetDialog key={user.id} user={user} onClose={close} /> : null}
    </section>
  );
}
