/**
 * The operators, one row each: role (changed from its select, after a confirmation, since it ends
 * their sessions), status, two-step sign-in, open sessions; reset the second factor, remove (typed
 * confirmation with their email).
 */
import { useState } from "react";
import { useStore } from "zustand";
import { OPERATOR_ROLES, type OperatorRole } from "../../../../shared/contract/permissions.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { isoDate, plural } from "../../lib/format.ts";
import type { OperatorView } from "../../stores/types.ts";
import { ROLE_SUMMARY } from "./roles.ts";

type Pending = { kind: "role"; operator: OperatorView; role: OperatorRole } | { kind: "remove"; operator: OperatorView } | { kind: "reset"; operator: OperatorView };

export function OperatorTable({ operators }: { operators: OperatorView[] }) {
  const { operators: store, session, ui } = useStores();
  const me = useStore(session, (s) => s.whoami?.operator);
  const [pending, setPending] = useState<Pending | null>(null);
  const isMe = (o: OperatorView) => o.email === me;

  return (
    <>
      <table className="table" data-testid="operator-table">
        <thead>
          <tr>
            <th scope="col">Operator</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Two-step sign-in</th>
            <th scope="col" className="numeric">
              Sessions
            </th>
            <th scope="col">Invited</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {operators.map((o) => (
            <tr key={o.userId} data-testid="operator-row" data-email={o.email}>
              <td>
                {o.email}
                {isMe(o) ? <span className="badge">you</span> : null}
              </td>
              <td>
                <label className="visually-hidden" htmlFor={`role-${o.userId}`}>
                  Role of {o.email}
                </label>
                <select id={`role-${o.userId}`} value={o.role} onChange={(e) => setPending({ kind: "role", operator: o, role: e.target.value as OperatorRole })} data-testid="operator-role">
                  {OPERATOR_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <span className={o.status === "active" ? "badge badge--ok" : "badge badge--warn"} data-testid="operator-status" title={o.status === "invited" ? "Has not set a password yet" : undefined}>
                  {o.status === "active" ? "active" : "invited"}
                </span>
              </td>
              <td data-testid="operator-second-factor">{o.secondFactor ? "on" : "off"}</td>
              <td className="numeric" data-testid="operator-sessions">
                {o.activeSessions}
              </td>
              <td>{o.invitedAt !== null ? `${isoDate(o.invitedAt)}${o.invitedBy ? ` by ${o.invitedBy}` : ""}` : <span className="muted">—</span>}</td>
              <td className="row-actions">
                {o.secondFactor ? (
                  <button type="button" className="button--small" onClick={() => setPending({ kind: "reset", operator: o })} data-testid="operator-reset-second-factor">
                    Reset two-step
                  </button>
                ) : null}
                <button type="button" className="button--small button--danger" onClick={() => setPending({ kind: "remove", operator: o })} data-testid="operator-remove">
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pending?.kind === "role" ? (
        <ConfirmDialog
          title={`Make ${pending.operator.email} ${pending.role}?`}
          confirmLabel={`Make ${pending.role}`}
          danger={pending.role === "admin"}
          testId="operator-role-dialog"
          onCancel={() => setPending(null)}
          onConfirm={async () => {
            const { operator, endedSessions } = await store.getState().setRole(pending.operator.userId, pending.role);
            setPending(null);
            ui.getState().notify(`${operator.email} is now ${operator.role}; ${plural(endedSessions, "session")} ended`);
          }}
        >
          <p>
            From {pending.operator.role} to <strong>{pending.role}</strong>: {ROLE_SUMMARY[pending.role]}.
          </p>
          <p>
            {plural(pending.operator.activeSessions, "open session")} of theirs end{pending.operator.activeSessions === 1 ? "s" : ""} at once; they sign in again with the new role.
            {isMe(pending.operator) ? " That includes yours: you will be back at sign-in." : ""}
          </p>
        </ConfirmDialog>
      ) : null}
      {pending?.kind === "remove" ? (
        <ConfirmDialog
          title={`Remove ${pending.operator.email}?`}
          confirmLabel="Remove operator"
          typeToConfirm={[pending.operator.email]}
          testId="operator-remove-dialog"
          onCancel={() => setPending(null)}
          onConfirm={async () => {
            const { email, endedSessions } = await store.getState().remove(pending.operator.userId);
            setPending(null);
            ui.getState().notify(`${email} removed; ${plural(endedSessions, "session")} ended`);
          }}
        >
          <p>
            Their sessions end at once and they can no longer sign in; their account on the operator directory is deleted. The audit log keeps what they did. To let them back,
            invite them again.
            {isMe(pending.operator) ? " This is you: you will be signed out." : ""}
          </p>
        </ConfirmDialog>
      ) : null}
      {pending?.kind === "reset" ? (
        <ConfirmDialog
          title={`Reset two-step sign-in of ${pending.operator.email}?`}
          confirmLabel="Reset two-step sign-in"
          testId="operator-reset-dialog"
          onCancel={() => setPending(null)}
          onConfirm={async () => {
            const { email } = await store.getState().resetSecondFactor(pending.operator.userId);
            setPending(null);
            ui.getState().notify(`Two-step sign-in of ${email} is off; they can set it up again after signing in`);
          }}
        >
          <p>
            For an operator who lost the phone with their authenticator app: their second factor is removed, so they sign in with the password alone until they set it up
            again (Account menu → Two-step sign-in). Make sure it is really them asking.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
