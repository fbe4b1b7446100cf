/** A small busy indicator with a text label for screen readers (and eyes). */
export function Spinner({ label = "Loading…", inline = false }: { label?: string; inline?: boolean }) {
  return (
    <span className={inline ? "spinner spinner--inline" : "spinner"} role="status" aria-live="polite">
      <span className="spinner__dot" aria-hidden="true" />
      <span className={inline ? "visually-hidden" : "spinner__label"}>{label}</span>
    </span>
  );
}
