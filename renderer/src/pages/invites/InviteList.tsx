/**
 * The tenant's invites, a page at a time: status filter with counts, search by email or phone
 * prefix, resend and revoke (as the role allows; revoke asks first, in the app). The first time a
 * tenant is shown, invites recorded on the Core by others (the app's invite API, another console)
 * are looked for and listed too.
 */
import { useEffect, useRef, useState } from "react";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import { INVITE_FILTERS, type InviteFilter } from "../../../../shared/contract/invite-statuses.ts";
import type { InviteRow } from "../../../../shared/contract/operations/invites.ts";
import { useCan, useStores } from "../../app/StoresContext.tsx";
import { userHref } from "../../app/router.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { OffsetPager } from "../../components/OffsetPager.tsx";
import { PhoneNumber } from "../../components/PhoneNumber.tsx";
import { Spinner } from "../../components/Spinner.tsx";
import { isoDateTime, plural } from "../../lib/format.ts";
import { useAsyncAction, useDebounced } from "../../lib/hooks.ts";

export const INVITES_PAGE_SIZE = 50;

const BADGE: Record<InviteRow["status"], string> = { pending: "badge", accepted: "badge badge--ok", "link-expired": "badge badge--warn", revoked: "badge badge--error" };
const FILTER_LABEL: Record<InviteFilter, string> = { all: "All", pending: "Pending", accepted: "Accepted", "link-expired": "Link expired", revoked: "Revoked" };
const DELIVERY_LABEL: Record<InviteRow["delivery"], string> = { sent: "mailed", outbox: "outbox", failed: "not delivered", elsewhere: "outside this console" };

type Page = OutputOf<"invites.list">;

export function InviteList({ tenantId, version, onChanged }: { tenantId: string; version: number; onChanged: () => void }) {
  const { client, ui } = useStores();
  const [status, setStatus] = useState<InviteFilter>("all");
  const [search, setSearch] = useState("");
  const query = useDebounced(search.trim(), 250);
  // The offset belongs to one tenant, filter and search: any change of those starts at the top.
  const filterKey = `${tenantId}\u0000${status}\u0000${query}`;
  const [paging, setPaging] = useState({ key: filterKey, offset: 0 });
  const offset = paging.key === filterKey ? paging.offset : 0;
  const [page, setPage] = useState<Page | null>(null);
  const [revoking, setRevoking] = useState<InviteRow | null>(null);
  const latest = useRef(0);

  const load = useAsyncAction(async () => {
    const ticket = ++latest.current;
    const answer = await client.invoke("invites.list", { tenantId, status, search: query, offset, limit: INVITES_PAGE_SIZE });
    if (ticket === latest.current) setPage(answer);
  });
  useEffect(() => {
    void load.run();
  }, [client, tenantId, status, query, offset, version]);

  const sync = useAsyncAction(async () => {
    const found = await client.invoke("invites.sync", { tenantId });
    if (found.added > 0) ui.getState().notify(`Found ${plural(found.added, "invite")} on the Core that this console had not listed`);
    await load.run();
  });
  // A tenant never looked at: its invites made elsewhere are looked for once, by itself.
  const looked = useRef(new Set<string>());
  useEffect(() => {
    if (page?.sync === null && !looked.current.has(tenantId)) {
      looked.current.add(tenantId);
      void sync.run();
    }
  }, [page, tenantId]);

  const counts = page?.counts;
  return (
    <section className="card" aria-labelledby="invite-list-title" data-testid="invite-list">
      <div className="card__header">
        <h2 id="invite-list-title">Invites to {tenantId}</h2>
        <span className="toolbar__spacer" />
        <button type="button" className="button--small" onClick={() => void sync.run()} disabled={sync.pending} data-testid="invites-sync">
          {sync.pending ? "Looking on the Core…" : "Look for invites on the Core"}
        </button>
      </div>
      <div className="toolbar">
        <div role="group" aria-label="Show invites" className="segmented">
          {INVITE_FILTERS.map((f) => (
            <button key={f} type="button" aria-pressed={status === f} onClick={() => setStatus(f)} data-testid={`invites-filter-${f}`}>
              {FILTER_LABEL[f]} {counts ? <span className="segmented__count">{counts[f].toLocaleString()}</span> : null}
            </button>
          ))}
        </div>
        <label className="inline-field">
          <span className="visually-hidden">Search invites by email or phone</span>
          <input type="search" placeholder="Email or phone starts with…" value={search} onChange={(e) => setSearch(e.target.value)} data-testid="invites-search" />
        </label>
      </div>
      {page?.sync ? (
        <p className="field__hint" data-testid="invites-sync-state">
          Includes invites found on the Core on {isoDateTime(page.sync.syncedAt)} ({plural(page.sync.scanned, "user")} checked
          {page.sync.truncated ? ", stopped early: run it again to look further" : ""}).
        </p>
      ) : null}
      {sync.error ? <ErrorBanner error={sync.error} title="Could not look for invites on the Core" onDismiss={sync.reset} /> : null}
      {load.error ? <ErrorBanner error={load.error} title="Could not load invites" onRetry={() => void load.run()} /> : null}
      {!page && load.pending ? <Spinner label="Loading invites…" /> : null}
      {page && page.invites.length === 0 ? (
        <p className="field__hint" data-testid="invites-empty">
          {page.counts.all === 0
            ? sync.pending
              ? "Looking for invites on the Core…"
              : `No invites to ${tenantId} yet: none sent from this console, and none found on the Core.`
            : "No invite matches this filter or search."}
        </p>
      ) : null}
      {page && page.invites.length > 0 ? (
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
            {page.invites.map((i) => (
              <InviteRowView key={i.userId} invite={i} onChanged={onChanged} onRevoke={setRevoking} />
            ))}
          </tbody>
        </table>
      ) : null}
      {page ? (
        <OffsetPager
          offset={offset}
          pageSize={INVITES_PAGE_SIZE}
          shown={page.invites.length}
          total={page.total}
          loading={load.pending}
          onOffset={(o) => setPaging({ key: filterKey, offset: o })}
          noun="invites"
          testId="invites-pager"
        />
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title="Revoke this invite?"
          confirmLabel="Revoke invite"
          testId="revoke-dialog"
          onCancel={() => setRevoking(null)}
          onConfirm={async () => {
            const who = inviteeOf(revoking);
            const done = await client.invoke("invites.revoke", { userId: revoking.userId });
            setRevoking(null);
            ui.getState().notify(`Invite of ${who} revoked${done.outboxRemoved ? `; ${plural(done.outboxRemoved, "unsent message")} removed from the outbox` : ""}`);
            onChanged();
          }}
        >
          <p>
            <strong>{inviteeOf(revoking)}</strong> never signed in. Revoking makes every sign-in link sent to them stop working at once, removes their unsent messages from
            the outbox, and deletes their account.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

const inviteeOf = (i: InviteRow): string => i.email ?? i.phoneNumber ?? i.userId;

function InviteRowView({ invite, onChanged, onRevoke }: { invite: InviteRow; onChanged: () => void; onRevoke: (i: InviteRow) => void }) {
  const { client, ui } = useStores();
  const canResend = useCan("invites:resend");
  const canRevoke = useCan("invites:write");
  const who = invite.email ?? (invite.phoneNumber ? <PhoneNumber phone={invite.phoneNumber} /> : invite.userId);
  const resend = useAsyncAction(async () => {
    const r = await client.invoke("invites.resend", { userId: invite.userId });
    ui.getState().notify(r.delivery === "sent" ? `New link mailed to ${inviteeOf(invite)}` : `New link for ${inviteeOf(invite)} is in the outbox`);
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
      <td title={invite.invitedBy ? `by ${invite.invitedBy}` : undefined}>{invite.invitedAt ? isoDateTime(invite.invitedAt) : "—"}</td>
      <td>{invite.linkExpiresAt ? isoDateTime(invite.linkExpiresAt) : "—"}</td>
      <td title={invite.deliveryError ?? undefined}>{DELIVERY_LABEL[invite.delivery]}</td>
      <td>
        {canResend && open ? (
          <button type="button" className="button--small" onClick={() => void resend.run()} disabled={resend.pending} data-testid="invite-resend">
            Resend
          </button>
        ) : null}{" "}
        {canRevoke && open ? (
          <button type="button" className="button--small button--danger" onClick={() => onRevoke(invite)} data-testid="invite-revoke">
            Revoke
          </button>
        ) : null}
        {resend.error ? <ErrorBanner error={resend.error} title="Could not resend" onDismiss={resend.reset} /> : null}
      </td>
    </tr>
  );
}
