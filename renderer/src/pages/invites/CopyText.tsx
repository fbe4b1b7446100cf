/** A read-only text with a Copy button: the clipboard when allowed, else the text is selected for Ctrl+C. */
import { useRef, useState } from "react";

export function CopyText({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const ref = useRef<HTMLInputElement>(null);
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
  return (
    <span className="inline-field copy-text">
      <input ref={ref} readOnly value={text} aria-label={label} data-testid={testId} onFocus={(e) => e.currentTarget.select()} size={Math.min(80, text.length)} />
      <button type="button" className="button--small" onClick={() => void copy()} data-testid={testId ? `${testId}-copy` : undefined}>
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      {state === "selected" ? <span className="field__hint">Selected: press Ctrl+C (⌘C) to copy.</span> : null}
    </span>
  );
}
