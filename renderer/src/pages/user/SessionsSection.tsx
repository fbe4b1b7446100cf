/** A user's live sessions; support and admins revoke one or all (after confirming). */
import { useState } from "react";
import { useStore } from "zustand";
import { Can, useCan, useStores } from "../../app/StoresContext.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Spinner } from "../../components/Spinner.tsx";
import { formatDateTime, plural } from "../../lib/format.ts";

type Pending = { kind: "one"; handle: string } | { kind: "all" } | null;

export function SessionsSection() {
  const { userDetail, ui } = useStores();
  const sessions = useStore(userDetail, (s) => s.sessions);
  const status = useStore(userDetail, (s) => s.sessionsStatus);
  const error = useStore(userDetail, (s) => s.sessionsError);
  const canRevoke = useCan("sessions:revoke");
  const [pending, setPending] = useState<Pending>(null);

  return (
    <section className="card" aria-labelledby="sessions-title">
      <div className="card__header">
        <h2 id="sessions-title">Sessions</h2>
        <button type="button" className="icon-button" aria-label="Refresh sessions" onClick={() => void userDetail.getState().loadSessions()}>
          ↻
        </button>
        <Can permission="sessions:revoke">
          <button type="button" className="button--danger" disabled={sessions.length === 0} onClick={() => setPending({ kind: "all" })} data-testid="sessions-revoke-all">
            Revoke all
          </button>
        </Can>
      </div>
      {error ? <ErrorBanner error={error} title="Could not load sessions" onRetry={() => void userDetail.getState().loadSessions()} /> : null}
      {status === "loading" ? <Spinner label="Loading sessions…" /> : null}
      {status === "ready" && sessions.length === 0 ? <p className="muted">No live sessions.</p> : null}
      {sessions.length > 0 ? (
        <table className="table" data-testid="sessions-table">
          <thead>
            <tr>
              <th scope="col">Session handle</th>
              <th scope="col">Tenant</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Access-token claims</th>
              {canRevoke ? <th scope="col"><span className="visually-hidden">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.sessionHandle} data-testid="session-row">
                <td className="mono">{s.sessionHandle}</td>
                <td>{s.tenantId}</td>
                <td>{formatDateTime(s.timeCreated)}</td>
                <td>{formatDateTime(s.expiry)}</td>
                <td className="mono small">{Object.keys(s.accessTokenPayload).length ? JSON.stringify(s.accessTokenPayload) : "—"}</td>
                {canRevoke ? (
                  <td>
                    <button type="button" onClick={() => setPending({ kind: "one", handle: s.sessionHandle })} data-testid="session-revoke">
                      Revoke
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {pending ? (
        <ConfirmDialog
          title={pending.kind === "all" ? "Revoke all sessions?" : "Revoke this session?"}
          confirmLabel={pending.kind === "all" ? "Revoke all" : "Revoke session"}
          onCancel={() => setPending(null)}
          onConfirm={async () => {
            if (pending.kind === "all") {
              const n = await userDetail.getState().revokeAllSessions();
              ui.getState().notify(`${plural(n, "session")} revoked`);
            } else {
              await userDetail.getState().revokeSession(pending.handle);
              ui.getState().notify("Session revoked");
            }
            setPending(null);
          }}
        >
          {pending.kind === "all"
            ? `The user is signed out on every device (${plural(sessions.length, "session")}) when their access tokens next refresh.`
            : "The user is signed out on that device when its access token next refreshes."}
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
