/** The tenant's invites with status badges, link expiry and resend/revoke (as the role allows). */
import type { InviteRow } from "../../../../shared/contract/operations/invites.ts";
import { useCan, useStores } from "../../app/StoresContext.tsx";
import { userHref } from "../../app/router.ts";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { isoDateTime } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";

const BADGE: Record<InviteRow["status"], string> = { pending: "badge", accepted: "badge badge--ok", "link-expired": "badge badge--warn", revoked: "badge badge--error" };

export function InviteList({ invites, onChanged }: { invites: InviteRow[]; onChanged: () => void }) {
  if (invites.length === 0) return <p className="field__hint">No invites sent from this console to this tenant yet.</p>;
  return (
    <table className="table" data-testid="invite-table">
      <thead>
        <tr>
          <th scope="col">Invitee</th>
          <th scope="col">Status</th>
          <th scope="col">Invited</th>
          <th scope="col">Last link expires</th>
          <th scope="col">Delivery</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {invites.map((i) => (
          <InviteRowView key={i.userId} invite={i} onChanged={onChanged} />
        ))}
      </tbody>
    </table>
  );
}

function InviteRowView({ invite, onChanged }: { invite: InviteRow; onChanged: () => void }) {
  const { client, ui } = useStores();
  const canResend = useCan("invites:resend");
  const canRevoke = useCan("invites:write");
  const who = invite.email ?? invite.phoneNumber ?? invite.userId;
  const resend = useAsyncAction(async () => {
    const r = await client.invoke("invites.resend", { userId: invite.userId });
    ui.getState().notify(r.delivery === "sent" ? `New link mailed to ${who}` : `New link for ${who} is in the outbox`);
    onChanged();
  });
  const revoke = useAsyncAction(async () => {
    if (!window.confirm(`Revoke the invite of ${who}? Their account (never used) is deleted.`)) return;
    await client.invoke("invites.revoke", { userId: invite.userId });
    ui.getState().notify(`Invite of ${who} revoked`);
    onChanged();
  });
  const open = invite.status === "pending" || invite.status === "link-expired";
  return (
    <tr data-testid="invite-row">
      <th scope="row">{invite.status === "revoked" ? who : <a href={userHref(invite.userId)}>{who}</a>}</th>
      <td>
        <span className={BADGE[invite.status]} data-testid="invite-status">
          {invite.status}
        </span>
      </td>
      <td title={`by ${invite.invitedBy}`}>{isoDateTime(invite.invitedAt)}</td>
      <td>{invite.linkExpiresAt ? isoDateTime(invite.linkExpiresAt) : "—"}</td>
      <td title={invite.deliveryError ?? undefined}>{invite.delivery}</td>
      <td>
        {canResend && invite.status !== "revoked" ? (
          <button type="button" className="button--small" onClick={() => void resend.run()} disabled={resend.pending} data-testid="invite-resend">
            Resend
          </button>
        ) : null}{" "}
        {canRevoke && open ? (
          <button type="button" className="button--small button--danger" onClick={() => void revoke.run()} disabled={revoke.pending} data-testid="invite-revoke">
            Revoke
          </button>
        ) : null}
        {resend.error ? <ErrorBanner error={resend.error} title="Could not resend" onDismiss={resend.reset} /> : null}
        {revoke.error ? <ErrorBanner error={revoke.error} title="Could not revoke" onDismiss={revoke.reset} /> : null}
      </td>
    </tr>
  );
}
