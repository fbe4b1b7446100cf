/**
 * The end-of-migration criterion: what it is, who set it and when, and whether it is met. Admins
 * set it (a target share or a date) in an in-app dialog that checks what was typed and names
 * what is wrong, or remove it after a confirmation.
 */
import { useId, useState } from "react";
import { useStore } from "zustand";
import type { MigrationCriterion } from "../../../../shared/contract/operations/migration.ts";
import { fieldError } from "../../api/errors.ts";
import { Can, useStores } from "../../app/StoresContext.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Modal } from "../../components/Modal.tsx";
import { isoDate, isoDateTime } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import { parseCriterion, type CriterionKind } from "./criterionInput.ts";
import { formatTarget, type CriterionView } from "./forecast.ts";
import type { OverviewStore } from "./overviewStore.ts";

export function criterionLabel(view: CriterionView | null): string {
  const c = view?.criterion;
  if (!c) return "None set";
  return c.kind === "share" ? `${formatTarget(c.targetShare)} of the legacy users migrated` : `the date ${isoDate(c.date)} (at the end of that day)`;
}

const toDateInput = (ms: number): string => isoDate(ms);

export function CriterionPanel({ overview }: { overview: OverviewStore }) {
  const view = useStore(overview, (s) => s.criterion);
  const error = useStore(overview, (s) => s.errors.criterion);
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const { ui } = useStores();
  return (
    <section className="migration-criterion" aria-labelledby="migration-criterion-title" data-testid="migration-criterion">
      <h3 id="migration-criterion-title">End criterion</h3>
      <p>
        <span data-testid="criterion-value">{criterionLabel(view)}</span>
        {view?.criterion ? (
          <>
            {" "}
            {view.met ? (
              <span className="badge badge--ok" data-testid="criterion-met">
                met{view.metAt ? ` ${isoDate(view.metAt)}` : ""}
              </span>
            ) : (
              <span className="badge">not met yet</span>
            )}
          </>
        ) : null}
      </p>
      {view?.setAt ? (
        <p className="field__hint" data-testid="criterion-set-by">
          Set by {view.setBy ?? "someone"} on {isoDateTime(view.setAt)}.
        </p>
      ) : null}
      <p className="field__hint">When it is met, an admin can end the migration: accounts for everyone not yet migrated, with reset links.</p>
      <Can permission="migration:write">
        <div className="toolbar">
          <button type="button" onClick={() => setEditing(true)} data-testid="criterion-edit">
            {view?.criterion ? "Change…" : "Set criterion…"}
          </button>
          {view?.criterion ? (
            <button type="button" className="button--danger" onClick={() => setRemoving(true)} data-testid="criterion-remove">
              Remove
            </button>
          ) : null}
        </div>
      </Can>
      {error ? <ErrorBanner error={error} title="Could not load the end criterion" /> : null}
      {editing ? (
        <CriterionDialog
          view={view}
          onClose={() => setEditing(false)}
          onSave={async (c) => {
            await overview.getState().setCriterion(c);
            setEditing(false);
            ui.getState().notify("End criterion saved");
          }}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title="Remove the end criterion?"
          confirmLabel="Remove criterion"
          testId="criterion-remove-dialog"
          onCancel={() => setRemoving(false)}
          onConfirm={async () => {
            await overview.getState().setCriterion(null);
            setRemoving(false);
            ui.getState().notify("End criterion removed");
          }}
        >
          <p>The chart and the report will show no target or end date until one is set again. Nothing changes for users.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function CriterionDialog({ view, onClose, onSave }: { view: CriterionView | null; onClose: () => void; onSave: (c: MigrationCriterion) => Promise<void> }) {
  const current = view?.criterion ?? null;
  const [kind, setKind] = useState<CriterionKind>(current?.kind ?? "share");
  const [share, setShare] = useState(current?.kind === "share" ? String(Math.round(current.targetShare * 10_000) / 100) : "");
  const [date, setDate] = useState(current?.kind === "date" ? toDateInput(current.date) : "");
  const [problem, setProblem] = useState<{ field: "share" | "date"; message: string } | null>(null);
  const save = useAsyncAction(onSave);
  const errorId = useId();
  const serverShare = fieldError(save.error, "criterion");

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const parsed = parseCriterion(kind, share, date);
    if (!parsed.ok) {
      setProblem({ field: parsed.field, message: parsed.message });
      return;
    }
    setProblem(null);
    await save.run(parsed.criterion);
  };
  const shareError = problem?.field === "share" ? problem.message : kind === "share" ? serverShare : undefined;
  const dateError = problem?.field === "date" ? problem.message : kind === "date" ? serverShare : undefined;
  const pastDate = kind === "date" && date !== "" && !dateError && new Date(`${date}T23:59:59`).getTime() < Date.now();

  return (
    <Modal title="End criterion" onClose={onClose} testId="criterion-dialog" initialFocus="input[type=radio]:checked">
      <form className="form" onSubmit={submit} noValidate>
        <fieldset className="choices">
          <legend>End the migration when</legend>
          <label className="choice">
            <input type="radio" name="criterion-kind" checked={kind === "share"} onChange={() => (setKind("share"), setProblem(null))} data-testid="criterion-kind-share" />
            a share of the legacy users has migrated
          </label>
          <label className="choice">
            <input type="radio" name="criterion-kind" checked={kind === "date"} onChange={() => (setKind("date"), setProblem(null))} data-testid="criterion-kind-date" />
            a date has come
          </label>
        </fieldset>
        {kind === "share" ? (
          <label className="field">
            <span className="field__label">Target share (percent of the legacy users)</span>
            <input
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={share}
              onChange={(e) => setShare(e.target.value)}
              aria-invalid={shareError ? true : undefined}
              aria-describedby={shareError ? errorId : undefined}
              placeholder="80"
              data-testid="criterion-share"
            />
            {shareError ? (
              <span className="field__error" id={errorId} role="alert" data-testid="criterion-error">
                {shareError}
              </span>
            ) : (
              <span className="field__hint">Accounts on a temporary password count as migrated.</span>
            )}
          </label>
        ) : (
          <label className="field">
            <span className="field__label">Last day of the migration</span>
            <input
              type="date"
              value={date}
              onChange={(e) => setDate(e.target.value)}
              aria-invalid={dateError ? true : undefined}
              aria-describedby={dateError ? errorId : undefined}
              data-testid="criterion-date"
            />
            {dateError ? (
              <span className="field__error" id={errorId} role="alert" data-testid="criterion-error">
                {dateError}
              </span>
            ) : pastDate ? (
              <span className="field__hint">That day has passed: the criterion will be met at once.</span>
            ) : (
              <span className="field__hint">The criterion is met at the end of that day (this computer's time zone).</span>
            )}
          </label>
        )}
        {save.error && !serverShare ? <ErrorBanner error={save.error} title="The criterion was not saved" /> : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button--primary" disabled={save.pending} data-testid="criterion-save">
            {save.pending ? "Saving…" : "Save criterion"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
