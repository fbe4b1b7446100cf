/**
 * A labelled field for the desktop's forms: the error, when there is one, replaces the hint and is announced
 * (role="alert"); either is tied to the input through the id handed to `children` for aria-describedby.
 */
import { useId, type ReactNode } from "react";

export function FormField({ label, hint, error, children }: { label: string; hint?: string; error: string | undefined; children: (id: string, describedBy: string) => ReactNode }) {
  const id = useId();
  const noteId = `${id}-note`;
  return (
    <div className="field" data-invalid={error ? "true" : undefined}>
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      {children(id, noteId)}
      {error ? (
        <span id={noteId} className="field__error" role="alert" data-testid="field-error">
          {error}
        </span>
      ) : hint ? (
        <span id={noteId} className="field__hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
