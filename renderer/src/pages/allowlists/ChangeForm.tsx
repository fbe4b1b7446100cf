/** Entries to add (one a line) and the ticked entries to remove, previewed before anything is saved. */
import { useState } from "react";
import { useStore } from "zustand";
import { useStores } from "../../app/StoresContext.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";

export function ChangeForm({ remove }: { remove: string[] }) {
  const { allowLists } = useStores();
  const kind = useStore(allowLists, (s) => s.kind);
  const [text, setText] = useState("");
  const preview = useAsyncAction(() => allowLists.getState().previewChange(text.split(/\r?\n/).filter((l) => l.trim() !== ""), remove));
  const empty = text.trim() === "" && remove.length === 0;
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        void preview.run();
      }}
    >
      <label className="field">
        <span>Add {kind === "email" ? "email addresses" : "phone numbers"}, one a line</span>
        <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder={kind === "email" ? "jane@example.com" : "+14155550123"} data-testid="allowlist-add" />
      </label>
      <p className="muted">
        {kind === "email" ? "Emails are trimmed and lower-cased." : "Numbers become E.164; without a country code they are read as US numbers."}{" "}
        {remove.length > 0 ? `${remove.length} ticked ${remove.length === 1 ? "entry" : "entries"} will be removed.` : "Tick entries in the list to remove them."}
      </p>
      <div className="dialog-actions">
        <button type="submit" disabled={empty || preview.pending} data-testid="allowlist-preview-button">
          {preview.pending ? "Previewing…" : "Preview change"}
        </button>
      </div>
    </form>
  );
}
