/**
 * Operators of a Gatehouse team server, for admins: who they are, their role, whether they have
 * set a password and turned two-step sign-in on, their open sessions; invite, change role, remove,
 * reset a second factor. Hidden from the navigation for other roles and on the desktop.
 */
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import { useCan, useStores } from "../app/StoresContext.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { InviteOperatorForm } from "./operators/InviteOperatorForm.tsx";
import { OperatorTable } from "./operators/OperatorTable.tsx";

export function OperatorsPage() {
  const { session } = useStores();
  const mode = useStore(session, (s) => s.whoami?.mode);
  const canManage = useCan("operators:manage");
  if (mode !== "team") {
    return (
      <EmptyState title="Operators belong to a Gatehouse team server." testId="operators-desktop">
        On the desktop, the operator is this computer&apos;s account and the role is the connection profile&apos;s.
      </EmptyState>
    );
  }
  if (!canManage) return <EmptyState title="Only admins manage operators." testId="operators-forbidden" />;
  return <Operators />;
}

function Operators() {
  const { operators } = useStores();
  const state = useStore(operators);
  const [inviting, setInviting] = useState(false);

  useEffect(() => {
    void operators.getState().load();
  }, [operators]);

  return (
    <section className="page" aria-labelledby="operators-title">
      <header className="page__header">
        <h1 id="operators-title">Operators</h1>
        <div className="toolbar">
          <button type="button" className="icon-button" aria-label="Reload operators" onClick={() => void state.load()}>
            ↻
          </button>
          <span className="toolbar__spacer" />
          <button type="button" className="button--primary" onClick={() => setInviting(true)} disabled={inviting} data-testid="operator-invite-open">
            Invite operator
          </button>
        </div>
      </header>
      {inviting ? <InviteOperatorForm onClose={() => setInviting(false)} /> : null}
      {state.error ? <ErrorBanner error={state.error} title="Could not load operators" onRetry={() => void state.load()} /> : null}
      {state.status === "loading" && state.operators.length === 0 ? <Spinner label="Loading operators…" /> : null}
      {state.operators.length > 0 ? <OperatorTable operators={state.operators} /> : null}
    </section>
  );
}
