/** A plain JSON text editor that says at once whether its text is one valid JSON object. */
import { useId } from "react";
import { parseJsonObject } from "../lib/metadataDiff.ts";

interface Props {
  value: string;
  onChange: (text: string) => void;
  label: string;
  rows?: number;
  testId?: string;
}

export function JsonEditor({ value, onChange, label, rows = 14, testId = "json-editor" }: Props) {
  const errorId = useId();
  const parsed = parseJsonObject(value);
  return (
    <div className="json-editor">
      <label className="field">
        <span className="field__label">{label}</span>
        <textarea
          className="json-editor__text"
          value={value}
          rows={rows}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          aria-invalid={!parsed.ok}
          aria-describedby={errorId}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={(e) => {
            // Tab indents inside the editor; Escape (handled by the dialog) or Shift+Tab leave it.
            if (e.key !== "Tab" || e.shiftKey) return;
            e.preventDefault();
            const el = e.currentTarget;
            const { selectionStart: at, selectionEnd: to } = el;
            onChange(`${value.slice(0, at)}  ${value.slice(to)}`);
            requestAnimationFrame(() => el.setSelectionRange(at + 2, at + 2));
          }}
          data-testid={testId}
        />
      </label>
      <p id={errorId} className={parsed.ok ? "field__hint" : "field__error"} role={parsed.ok ? undefined : "alert"}>
        {parsed.ok ? "Top-level keys are merged into the stored metadata; a removed key (or null) deletes it." : parsed.message}
      </p>
    </div>
  );
}
