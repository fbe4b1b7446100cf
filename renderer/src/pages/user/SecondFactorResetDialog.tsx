/**
 * The guided second-factor reset: reason and ticket, then replace the phone, clear the
 * enrollment, or — when an earlier reset did not finish — finish or abandon it; a review that
 * says exactly what will happen (the phone as it will be stored, what happens to a phone user
 * others share); the result. Before anything, main's preview says who else uses the phone user.
 * Focus stays in the dialog throughout (the result's Close button takes it), so Escape works.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { OutputOf } from "../../../../shared/contract/index.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Modal } from "../../components/Modal.tsx";
import { SecondFactorBadge } from "../../components/SecondFactorBadge.tsx";
import { Spinner } from "../../components/Spinner.tsx";
import { formatDateTime } from "../../lib/format.ts";
import { useAsyncAction } from "../../lib/hooks.ts";
import type { UserDetail } from "../../stores/types.ts";
import { normalizeSecondFactorPhone } from "./secondFactorPhone.ts";

type Preview = OutputOf<"secondFactor.resetPreview">;
type Result = OutputOf<"secondFactor.reset">;
type Kind = "replace" | "clear" | "finish" | "abandon";
type PendingAction = NonNullable<Preview["pending"]>["action"];

const describeAction = (a: PendingAction): string =>
  a.kind === "replace" ? `replace the phone with ${a.phoneNumber}` : a.kind === "clear" ? `clear the enrollment and ${a.deletePasswordlessUser ? "delete" : "keep"} the old phone user` : "abandon";

const KEEP_WHY: Record<Preview["keepReason"], string> = {
  shared: "other users still use it as their second factor",
  unsure: "Gatehouse could not make sure no one else uses it",
  "not-phone-only": "it is not a phone-only user (it may be someone's own account)",
  none: "",
};

export function ResetDialog({ user, onClose }: { user: UserDetail; onClose: () => void }) {
  const { client, userDetail, ui } = useStores();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [reason, setReason] = useState("");
  const [ticket, setTicket] = useState("");
  const [kind, setKind] = useState<Kind>("replace");
  const [phone, setPhone] = useState("");
  const [deleteOld, setDeleteOld] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [restarted, setRestarted] = useState(0);
  const closeButton = useRef<HTMLButtonElement>(null);
  const reasonInput = useRef<HTMLInputElement>(null);

  const loader = useAsyncAction(async () => {
    const p = await client.invoke("secondFactor.resetPreview", { userId: user.id });
    setPreview(p);
    // An unfinished reset that changed the Core: finishing it is the first choice offered.
    setKind((k) => (p.pending?.changedOnCore ? (k === "abandon" ? k : "finish") : k === "finish" || k === "abandon" ? "replace" : k));
  });
  const load = loader.run;
  useEffect(() => {
    void load();
  }, [load]);
  // The form is replaced by the result: focus moves to its Close button, not to the page body.
  useEffect(() => {
    if (result) closeButton.current?.focus();
  }, [result]);
  // Starting over after an abandon: the result goes, and focus goes back to the form's first field.
  useEffect(() => {
    if (restarted > 0) reasonInput.current?.focus();
  }, [restarted]);

  const pending = preview?.pending ?? null;
  const blocking = pending?.changedOnCore ? pending : null;
  const normalized = kind === "replace" && preview ? normalizeSecondFactorPhone(phone, preview.defaultRegion) : null;
  const ready = preview !== null && reason.trim() !== "" && ticket.trim() !== "" && (kind !== "replace" || normalized?.ok === true);

  const actionInput = (): { kind: "replace"; phoneNumber: string } | { kind: "clear"; deletePasswordlessUser: boolean } | { kind: "abandon" } => {
    if (kind === "finish" && blocking) return blocking.action.kind === "abandon" ? { kind: "abandon" } : blocking.action;
    if (kind === "abandon") return { kind: "abandon" };
    if (kind === "clear") return { kind: "clear", deletePasswordlessUser: deleteOld };
    return { kind: "replace", phoneNumber: normalized?.ok ? normalized.e164 : phone.trim() };
  };
  const submit = useAsyncAction(async () => {
    try {
      const out = await client.invoke("secondFactor.reset", { userId: user.id, reason: reason.trim(), ticket: ticket.trim(), action: actionInput() });
      setResult(out);
      ui.getState().notify(out.alreadyDone ? "Second-factor reset: already done, nothing changed" : out.action.kind === "abandon" ? "Unfinished reset abandoned" : "Second-factor phone reset");
      void userDetail.getState().reload();
    } catch (err) {
      // Back to the choice, with the Core's state read again: a refusal changed nothing, and a
      // failure half-way shows up as an unfinished reset to finish or abandon.
      setReviewing(false);
      void load();
      throw err;
    }
  });
  const startOver = useCallback(() => {
    setResult(null);
    setReviewing(false);
    setKind("replace");
    setPhone("");
    setRestarted((n) => n + 1);
    void load();
  }, [load]);

  return (
    <Modal title="Reset second-factor phone" onClose={onClose} testId="sf-dialog" wide>
      {result ? (
        <ResultView result={result} closeButton={closeButton} onClose={onClose} onStartOver={startOver} />
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!ready || submit.pending) return;
            if (!reviewing) setReviewing(true);
            else void submit.run();
          }}
        >
          <p>
            Current: <SecondFactorBadge factor={preview?.state ?? user.secondFactor} />
          </p>
          {loader.pending && !preview ? <Spinner label="Checking who else uses this phone user…" /> : null}
          {loader.error ? <ErrorBanner error={loader.error} title="Could not check this user's second factor" onRetry={() => void load()} /> : null}
          {preview ? <SharedNotice preview={preview} /> : null}
          {pending && !pending.changedOnCore ? (
            <p className="muted small" data-testid="sf-pending-nothing">
              An earlier reset ({describeAction(pending.action)}, {formatDateTime(pending.startedAt)}) changed nothing on the Core; it is set aside when you reset now.
            </p>
          ) : null}
          {blocking ? (
            <div className="callout callout--warn" role="status" data-testid="sf-pending">
              <p>
                <strong>An earlier reset of this user did not finish:</strong> {describeAction(blocking.action)} (started {formatDateTime(blocking.startedAt)}).
              </p>
              <p className="small">On the Core: {blocking.summary}.</p>
              <p className="small">Finish it, or abandon it (what it changed stays as it is), before choosing anything else.</p>
            </div>
          ) : null}
          <label className="field">
            <span>Reason (required, goes to the audit log)</span>
            <input ref={reasonInput} value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="sf-reason" />
          </label>
          <label className="field">
            <span>Ticket reference (required)</span>
            <input value={ticket} onChange={(e) => setTicket(e.target.value)} required data-testid="sf-ticket" />
          </label>
          <fieldset className="choices" disabled={reviewing}>
            <legend>What to do</legend>
            {blocking ? (
              <>
                <label className="choice">
                  <input type="radio" name="sf-kind" checked={kind === "finish"} onChange={() => setKind("finish")} data-testid="sf-finish" /> Finish it: {describeAction(blocking.action)}
                </label>
                <label className="choice">
                  <input type="radio" name="sf-kind" checked={kind === "abandon"} onChange={() => setKind("abandon")} data-testid="sf-abandon" /> Abandon it (nothing on the Core is changed)
                </label>
              </>
            ) : (
              <ChangeChoices kind={kind} setKind={setKind} phone={phone} setPhone={setPhone} deleteOld={deleteOld} setDeleteOld={setDeleteOld} preview={preview} normalized={normalized} />
            )}
          </fieldset>
          {reviewing && preview ? <Review text={reviewText(kind, preview, blocking, normalized, phone, deleteOld)} /> : null}
          {submit.error ? <ErrorBanner error={submit.error} title={refused(submit.error.code) ? "The reset was refused (nothing was changed)" : "The reset did not finish"} /> : null}
          <div className="toolbar">
            <button type="submit" className="button--danger" disabled={!ready} aria-busy={submit.pending} data-testid="sf-confirm">
              {submit.pending ? "Working…" : reviewing ? (kind === "abandon" ? "Confirm: abandon it" : "Confirm reset") : "Review…"}
            </button>
            {reviewing ? (
              <button type="button" onClick={() => setReviewing(false)} data-testid="sf-back">
                Back
              </button>
            ) : null}
          </div>
        </form>
      )}
    </Modal>
  );
}

const refused = (code: string): boolean => code === "CONFLICT" || code === "VALIDATION" || code === "NOT_FOUND" || code === "FORBIDDEN";

function ChangeChoices(p: {
  kind: Kind;
  setKind: (k: Kind) => void;
  phone: string;
  setPhone: (v: string) => void;
  deleteOld: boolean;
  setDeleteOld: (v: boolean) => void;
  preview: Preview | null;
  normalized: ReturnType<typeof normalizeSecondFactorPhone> | null;
}) {
  const showError = p.normalized && !p.normalized.ok && p.phone.trim() !== "";
  return (
    <>
      <label className="choice">
        <input type="radio" name="sf-kind" checked={p.kind === "replace"} onChange={() => p.setKind("replace")} data-testid="sf-replace" /> Replace the phone
      </label>
      {p.kind === "replace" ? (
        <label className="field" data-invalid={showError ? "" : undefined}>
          <span>New phone (with +country code, or in region {p.preview?.defaultRegion ?? "…"})</span>
          <input value={p.phone} onChange={(e) => p.setPhone(e.target.value)} inputMode="tel" aria-invalid={showError ? true : undefined} aria-describedby="sf-phone-note" data-testid="sf-phone" />
          <span id="sf-phone-note" className={showError ? "field__error" : "field__hint"} data-testid="sf-phone-note">
            {p.normalized?.ok ? `Will be stored as ${p.normalized.e164}` : showError && p.normalized && !p.normalized.ok ? p.normalized.message : ""}
          </span>
        </label>
      ) : null}
      <label className="choice">
        <input type="radio" name="sf-kind" checked={p.kind === "clear"} onChange={() => p.setKind("clear")} data-testid="sf-clear" /> Clear the enrollment (the person enrolls again at next sign-in)
      </label>
      {p.kind === "clear" ? (
        <label className="field">
          <span>The old phone user</span>
          <select value={p.deleteOld ? "delete" : "keep"} onChange={(e) => p.setDeleteOld(e.target.value === "delete")} data-testid="sf-delete-choice">
            <option value="keep">Keep it</option>
            <option value="delete">Delete it</option>
          </select>
          {p.deleteOld && p.preview && !p.preview.clearMayDelete && p.preview.keepReason !== "none" ? (
            <span className="field__hint">It will be kept anyway: {KEEP_WHY[p.preview.keepReason]}.</span>
          ) : null}
        </label>
      ) : null}
    </>
  );
}

/** Says before anything is done when the phone user is (or may be) someone else's second factor too. */
function SharedNotice({ preview }: { preview: Preview }) {
  const { others, scanned, complete } = preview.shared;
  if (preview.state.state === "none" || (others.length === 0 && complete)) return null;
  if (others.length === 0) {
    if (preview.keepReason !== "unsure") return null;
    return (
      <div className="callout callout--warn" role="status" data-testid="sf-shared-warning">
        Gatehouse looked at the first {scanned.toLocaleString()} users only and found no one else using this phone user, but cannot be sure. To be safe, a reset leaves the phone user as
        it is: replacing gives this user a new phone user of their own, and clearing does not delete it.
      </div>
    );
  }
  return (
    <div className="callout callout--warn" role="status" data-testid="sf-shared-warning">
      <p>
        <strong>
          This phone user is shared: {others.length === 1 ? "1 other user uses" : `${others.length} other users use`} it as their second factor too
          {complete ? "" : ` (the scan stopped at ${scanned.toLocaleString()} users; there may be more)`}:
        </strong>
      </p>
      <ul className="small">
        {others.map((o) => (
          <li key={o.userId}>
            <a href={`#/users/${encodeURIComponent(o.userId)}`}>{o.label}</a>
          </li>
        ))}
      </ul>
      <p className="small">
        A reset changes this user only. Replacing gives this user a new phone user of their own; clearing removes only this user&apos;s link and never deletes the shared phone user. The other
        users keep their phone and their sessions.
      </p>
    </div>
  );
}

function reviewText(
  kind: Kind,
  preview: Preview,
  blocking: Preview["pending"],
  normalized: ReturnType<typeof normalizeSecondFactorPhone> | null,
  typed: string,
  deleteOld: boolean,
): string[] {
  if (kind === "abandon" && blocking) {
    return [`You are about to abandon the unfinished reset (${describeAction(blocking.action)}).`, "What it changed on the Core stays as it is, and no session is ended. Then you can choose a new reset."];
  }
  if (kind === "finish" && blocking) return [`You are about to finish the unfinished reset: ${describeAction(blocking.action)}.`, "Steps already done are not repeated; stale sessions end."];
  const sessions = "Sessions of this user that could carry the old phone or a completed second factor end.";
  if (kind === "clear") {
    const keptAnyway = deleteOld && !preview.clearMayDelete && preview.keepReason !== "none";
    return [
      `You are about to clear this user's second-factor enrollment and ${deleteOld && !keptAnyway ? "delete" : "keep"} the old phone user.`,
      ...(keptAnyway ? [`The phone user is kept although you chose to delete it: ${KEEP_WHY[preview.keepReason]}.`] : []),
      sessions,
    ];
  }
  const e164 = normalized?.ok ? normalized.e164 : typed.trim();
  const how =
    preview.state.state !== "enrolled"
      ? "A new phone user is created for it and linked to this user."
      : preview.replaceInPlace
        ? "The phone user is this user's alone: its phone changes, and it keeps its id."
        : `This user gets a new phone user of their own; the current one is left as it is (${KEEP_WHY[preview.keepReason]}).`;
  return [`You are about to replace the second-factor phone with ${e164}${e164 !== typed.trim() ? ` (typed as "${typed.trim()}")` : ""}.`, how, sessions];
}

function Review({ text }: { text: string[] }) {
  return (
    <div data-testid="sf-confirm-text">
      {text.map((line, i) => (
        <p key={i} className={i === 0 ? undefined : "small"}>
          {i === 0 ? <strong>{line}</strong> : line}
        </p>
      ))}
      <p>Confirm?</p>
    </div>
  );
}

function ResultView({ result, closeButton, onClose, onStartOver }: { result: Result; closeButton: React.RefObject<HTMLButtonElement | null>; onClose: () => void; onStartOver: () => void }) {
  const abandoned = result.action.kind === "abandon";
  const headline = result.alreadyDone
    ? "Already done: nothing was changed."
    : abandoned
      ? "The unfinished reset was abandoned."
      : result.resumed
        ? "Finished a reset an earlier run had left half-done."
        : "Done.";
  return (
    <div data-testid="sf-result" className="stack">
      <p role="status">{headline}</p>
      <p>
        Before: <SecondFactorBadge factor={result.before} /> → now: <SecondFactorBadge factor={result.after} />
      </p>
      <ul className="small">
        {result.steps.map((s, i) => (
          <li key={i}>
            {s.step}: {s.status} — {s.detail}
          </li>
        ))}
      </ul>
      {abandoned ? null : (
        <p>
          {result.sessionsRevoked} session(s) ended.{result.oldPasswordlessUser !== "none" ? ` Old phone user ${result.oldPasswordlessUser}.` : ""}
          {result.shared && result.shared.others.length ? ` ${result.shared.others.length} other user(s) sharing the old phone user kept it.` : ""}
        </p>
      )}
      <div className="toolbar">
        <button type="button" ref={closeButton} onClick={onClose} data-testid="sf-close">
          Close
        </button>
        {abandoned && !result.alreadyDone ? (
          <button type="button" onClick={onStartOver} data-testid="sf-start-over">
            Choose a new reset…
          </button>
        ) : null}
      </div>
    </div>
  );
}
