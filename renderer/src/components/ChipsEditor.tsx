/** A list of strings as removable chips, with a field to add more (Enter or comma adds). */
import { useState } from "react";

interface Props {
  values: readonly string[];
  label: string;
  /** Hidden when the operator may not change them: then the chips are plain text. */
  editable: boolean;
  onAdd?: (value: string) => void;
  onRemove?: (value: string) => void;
  placeholder?: string;
  testId?: string;
}

export function ChipsEditor({ values, label, editable, onAdd, onRemove, placeholder = "Add…", testId }: Props) {
  const [draft, setDraft] = useState("");
  const add = () => {
    for (const part of draft.split(",")) {
      const value = part.trim();
      if (value && !values.includes(value)) onAdd?.(value);
    }
    setDraft("");
  };
  return (
    <div className="chips" data-testid={testId}>
      <ul className="chips__list" aria-label={label}>
        {values.length === 0 ? <li className="muted">none</li> : null}
        {values.map((v) => (
          <li key={v} className="chip">
            <span>{v}</span>
            {editable ? (
              <button type="button" className="chip__remove" aria-label={`Remove ${v}`} onClick={() => onRemove?.(v)} data-testid="chip-remove">
                ×
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {editable ? (
        <input
          className="chips__input"
          aria-label={`Add to ${label}`}
          placeholder={placeholder}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" || e.key === ",") {
              e.preventDefault();
              add();
            } else if (e.key === "Backspace" && draft === "" && values.length > 0) {
              onRemove?.(values[values.length - 1] as string);
            }
          }}
          onBlur={() => draft.trim() && add()}
          data-testid="chip-input"
        />
      ) : null}
    </div>
  );
}
