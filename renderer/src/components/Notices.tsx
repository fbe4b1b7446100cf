/** Short confirmations of what just happened ("Role added"), announced politely. */
import { useStore } from "zustand";
import { useStores } from "../app/StoresContext.tsx";

export function Notices() {
  const { ui } = useStores();
  const notices = useStore(ui, (s) => s.notices);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice--${n.tone}`}>
          <span>{n.text}</span>
          <button type="button" className="icon-button" aria-label="Dismiss notice" onClick={() => ui.getState().dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
