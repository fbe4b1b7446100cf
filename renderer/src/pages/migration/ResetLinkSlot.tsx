/**
 * A password-reset link for one user on a temporary password (support and admins: permission
 * "reset-links:send"), from the "Temporary password" list: a dialog says where it goes (this
 * profile's SMTP server, or its outbox) before anything is sent, then shows the link (only to
 * roles that may see links), its expiry and the delivery. Sending is audited without the link.
 */
import { useEffect, useState } from "react";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import type { MigrationRow } from "../../../../shared/contract/operations/migration.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Modal } from "../../components/Modal.tsx";
import { isoDateTime } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { CopyText } from "../invites/CopyText.tsx";

type Sent = OutputOf<"resetLinks.send">;

/**
 * The row's button; the dialog lives outside the (virtualized, contained) table, with the list.
 * The button keeps its click and Enter to itself: the row around it opens the user.
 */
export function ResetLinkSlot({ row, onOpen }: { row: MigrationRow; onOpen: (row: MigrationRow) => void }) {
  if (!row.userId) return null;
  return (
    <button
      type="button"
      className="button--small"
      onClick={(e) => {
        e.stopPropagation();
        onOpen(row);
      }}
      onKeyDown={(e) => e.stopPropagation()}
      data-testid="reset-link-send"
    >
      Send reset link
    </button>
  );
}

export function ResetLinkDialog({ userId, email, onClose }: { userId: string; email: string; onClose: () => void }) {
  const { client, ui } = useStores();
  const [settings, setSettings] = useState<OutputOf<"resetLinks.settings.get"> | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  useEffect(() => {
    client.invoke("resetLinks.settings.get", {}).then(setSettings, () => setSettings(null));
  }, [client]);
  const send = useAsyncAction(async () => {
    const answer = await client.invoke("resetLinks.send", { userId });
    setSent(answer);
    ui.getState().notify(answer.delivery === "sent" ? `Reset link mailed to ${answer.email}` : `Reset link for ${answer.email} is in the outbox`);
  });
  return (
      <Modal title="Password-reset link" onClose={onClose} testId="reset-link-dialog" initialFocus={sent ? "button" : "button[type=submit]"}>
        {sent ? (
          <div className="form" data-testid="reset-link-result">
            <p>
              {sent.delivery === "sent" ? (
                <>
                  Mailed to <strong>{sent.email}</strong>
                  {sent.messageId ? <span className="muted"> (message {sent.messageId})</span> : null}.
                </>
              ) : (
                <>
                  Put in this profile's outbox for <strong>{sent.email}</strong>: copy it from Invites → Outbox, or from here.
                </>
              )}
            </p>
            {sent.link ? <CopyText text={sent.link} label="Reset link" testId="reset-link" /> : null}
            <p className="field__hint">The link works once, until {isoDateTime(sent.expiresAt)}. Whoever has it can set the password: send it only to {sent.email}.</p>
            <div className="dialog-actions">
              <button type="button" onClick={onClose} data-testid="reset-link-close">
                Close
              </button>
            </div>
          </div>
        ) : (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              void send.run();
            }}
          >
            <p>
              Send <strong>{email}</strong> a link to set a new password? They are on a temporary password: their reset was started but never finished.
            </p>
            <p className="field__hint" data-testid="reset-link-delivery">
              {settings
                ? settings.smtp
                  ? "It goes by mail through this profile's SMTP server, with the profile's reset-mail template."
                  : "This profile has no SMTP server: the message goes to its outbox (Invites → Outbox) for you to pass on."
                : "Where it goes: this profile's SMTP server, or its outbox when it has none."}
            </p>
            {send.error ? <ErrorBanner error={send.error} title="No link was sent" /> : null}
            <div className="dialog-actions">
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="button--primary" disabled={send.pending} data-testid="reset-link-confirm">
                {send.pending ? "Sending…" : "Send link"}
              </button>
            </div>
          </form>
        )}
      </Modal>
  );
}
