/**
 * Asks before a change that cannot be undone. With `typeToConfirm`, the operator must type one of
 * the given values (e.g. the user's email) before the button works; what they typed is passed on.
 * Enter confirms, Escape cancels; a failure is shown in the dialog, which stays open.
 */
import { useId, useState, type ReactNode } from "react";
import { useAsyncAction } from "../lib/hooks.ts";
import { ErrorBanner } from "./ErrorBanner.tsx";
import { Modal } from "./Modal.tsx";

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: (typed: string) => Promise<unknown>;
  onCancel: () => void;
  /**
   * Values any of which, typed exactly as shown (same case, no extra spaces), unlocks the button;
   * the first is shown as the hint. Exact on purpose: the point is to read what is being deleted.
   */
  typeToConfirm?: readonly string[];
  danger?: boolean;
  testId?: string;
}

export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel, typeToConfirm, danger = true, testId = "confirm-dialog" }: Props) {
  const [typed, setTyped] = useState("");
  const action = useAsyncAction(onConfirm);
  const expected = typeToConfirm?.filter(Boolean) ?? [];
  const matches = expected.length === 0 || expected.includes(typed);
  // Close but not exact (other case, stray spaces): say why the button stays off.
  const nearly = !matches && expected.some((v) => v.trim().toLowerCase() === typed.trim().toLowerCase());
  const hintId = useId();

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!matches || action.pending) return;
    await action.run(typed);
  };

  return (
    <Modal title={title} onClose={onCancel} testId={testId} initialFocus={expected.length ? "input" : "button[type=submit]"}>
      <form onSubmit={submit} className="confirm-dialog">
        <div className="confirm-dialog__body">{children}</div>
        {expected.length > 0 ? (
          <label className="field">
            <span className="field__label">
              Type <strong className="confirm-dialog__expected">{expected[0]}</strong> to confirm
            </span>
            <input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              data-testid="confirm-input"
              aria-invalid={typed !== "" && !matches}
              aria-describedby={nearly ? hintId : undefined}
            />
            {nearly ? (
              <span className="field__error" id={hintId} data-testid="confirm-exact-hint">
                Type it exactly as shown: capitals and spaces count.
              </span>
            ) : null}
          </label>
        ) : null}
        {action.error ? <ErrorBanner error={action.error} /> : null}
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className={danger ? "button--danger" : "button--primary"} disabled={!matches || action.pending} data-testid="confirm-button">
            {action.pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
