/** Invite one person by email or phone into the selected tenant, with roles; shows the link. */
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import { fieldError } from "../../api/errors.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { userHref } from "../../app/router.ts";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { isoDateTime } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { CopyText } from "./CopyText.tsx";
import { Countdown } from "./Countdown.tsx";

type Result = OutputOf<"invites.create">;

export function InviteForm({ onInvited }: { onInvited: () => void }) {
  const { client, tenants } = useStores();
  const tenantId = useStore(tenants, (s) => s.selected);
  const [channel, setChannel] = useState<"email" | "phone">("email");
  const [contact, setContact] = useState("");
  const [roles, setRoles] = useState<string[]>([]);
  const [known, setKnown] = useState<string[]>([]);
  const [result, setResult] = useState<Result | null>(null);
  const [resent, setResent] = useState<OutputOf<"invites.resend"> | null>(null);

  useEffect(() => {
    client.invoke("roles.list", { tenantId }).then(
      (r) => setKnown(r.roles.map((x) => x.role).sort()),
      () => setKnown([]),
    );
  }, [client, tenantId]);

  const invite = useAsyncAction(async () => {
    setResult(null);
    setResent(null);
    const input = channel === "email" ? { email: contact } : { phoneNumber: contact };
    const answer = await client.invoke("invites.create", { tenantId, roles, ...input });
    setResult(answer);
    // Sent: the form is ready for the next person. "exists" keeps what was typed, to correct it.
    if (answer.status === "invited") {
      setContact("");
      setRoles([]);
    }
    onInvited();
  });
  const resend = useAsyncAction(async (userId: string) => {
    setResent(await client.invoke("invites.resend", { userId }));
    onInvited();
  });
  const contactError = fieldError(invite.error, channel === "email" ? "email" : "phoneNumber");
  const link = resent ?? (result?.status === "invited" ? result : null);

  return (
    <div className="card">
      <form
        className="form"
        aria-label="Invite one person"
        data-testid="invite-form"
        onSubmit={(e) => {
          e.preventDefault();
          void invite.run();
        }}
      >
        <h2>Invite one person to {tenantId}</h2>
        <div className="toolbar" role="radiogroup" aria-label="Invite by">
          {(["email", "phone"] as const).map((c) => (
            <label key={c} className="inline-field">
              <input type="radio" name="invite-channel" checked={channel === c} onChange={() => setChannel(c)} data-testid={`invite-channel-${c}`} />
              {c === "email" ? "Email" : "Phone"}
            </label>
          ))}
        </div>
        <label className="field">
          <span className="field__label">{channel === "email" ? "Email address" : "Phone number"}</span>
          <input
            type="text"
            inputMode={channel === "email" ? "email" : "tel"}
            autoComplete="off"
            value={contact}
            onChange={(e) => setContact(e.target.value)}
            placeholder={channel === "email" ? "alice@example.com" : "+1 201 555 0123"}
            aria-invalid={Boolean(contactError)}
            data-testid={channel === "email" ? "invite-email" : "invite-phone"}
          />
          {contactError ? <span className="field__error">{contactError}</span> : null}
        </label>
        <label className="field">
          <span className="field__label">Roles (optional)</span>
          <select multiple value={roles} onChange={(e) => setRoles([...e.target.selectedOptions].map((o) => o.value))} data-testid="invite-roles" size={Math.min(5, Math.max(2, known.length))}>
            {known.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        {invite.error && !contactError ? <ErrorBanner error={invite.error} title="Could not invite" onDismiss={invite.reset} /> : null}
        <div className="dialog-actions">
          <button type="submit" className="button--primary" disabled={!contact.trim() || invite.pending} data-testid="invite-submit">
            {invite.pending ? "Inviting…" : "Invite"}
          </button>
        </div>
      </form>
      {result?.status === "exists" && !resent ? (
        <div className={`callout ${result.canSendLink ? "callout--info" : "callout--warn"}`} data-testid="invite-exists" role="status">
          <span>{result.detail}</span> <a href={userHref(result.userId)}>Open the user</a>
          {result.canSendLink ? (
            <>
              {" "}
              <button type="button" className="button--small" onClick={() => void resend.run(result.userId)} disabled={resend.pending} data-testid="invite-exists-resend">
                Send a new sign-in link
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      {resend.error ? <ErrorBanner error={resend.error} title="Could not send a new link" onDismiss={resend.reset} /> : null}
      {link ? (
        <div className="invite-result" data-testid="invite-result" role="status">
          <p>
            {link.delivery === "sent" ? "Mailed." : "Put in the outbox, to send by hand (no mail server set up, or a phone number)."} The link signs them in once and works for{" "}
            <Countdown at={link.expiresAt} /> (until {isoDateTime(link.expiresAt)}). If it expires before they use it, send a new one with Resend. Once signed in, they sign in again
            with the same email or phone whenever they like.
          </p>
          <CopyText text={link.link} label="Invite link" testId="invite-link" />
        </div>
      ) : null}
    </div>
  );
}
