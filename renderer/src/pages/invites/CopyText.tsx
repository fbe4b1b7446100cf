/**
 * A read-only text with a Copy button: the clipboard when allowed, else the text is selected for
 * Ctrl+C. `multiline` texts (messages) sit in a textarea, which keeps their line breaks.
 */
import { useRef, useState } from "react";

export function CopyText({ text, label, testId, multiline = false }: { text: string; label: string; testId?: string; multiline?: boolean }) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const [state, setState] = useState<"idle" | "copied" | "selected">("idle");
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      ref.current?.focus();
      ref.current?.select();
      setState("selected");
    }
  };
  const common = { ref, readOnly: true, value: text, "aria-label": label, "data-testid": testId, onFocus: (e: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => e.currentTarget.select() };
  return (
    <span className={`inline-field copy-text${multiline ? " copy-text--multiline" : ""}`}>
      {multiline ? <textarea {...common} rows={Math.min(8, text.split("\n").length + 1)} /> : <input {...common} size={Math.min(80, text.length)} />}
      <button type="button" className="button--small" onClick={() => void copy()} data-testid={testId ? `${testId}-copy` : undefined}>
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      {state === "selected" ? <span className="field__hint">Selected: press Ctrl+C (⌘C) to copy.</span> : null}
    </span>
  );
}
