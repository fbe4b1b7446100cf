/**
 * Ctrl+K / Cmd+K from anywhere: find a user by email or phone prefix in the selected tenant, or
 * jump to a user id. Arrow keys move, Enter opens, Escape closes.
 */
import { useEffect, useId, useState } from "react";
import { useStore } from "zustand";
import type { ErrorBody } from "../../../shared/contract/errors.ts";
import { toErrorBody } from "../api/errors.ts";
import { navigate, userHref } from "../app/router.ts";
import { useStores } from "../app/StoresContext.tsx";
import { useDebounced } from "../lib/hooks.ts";
import type { QuickSearchHit } from "../stores/types.ts";
import { ErrorBanner } from "./ErrorBanner.tsx";
import { Modal } from "./Modal.tsx";

interface Option {
  key: string;
  userId: string;
  label: string;
  detail: string;
}

export const QUICK_SEARCH_DEBOUNCE_MS = 200;

export function QuickSearch() {
  const { ui } = useStores();
  const open = useStore(ui, (s) => s.quickSearchOpen);
  const close = useStore(ui, (s) => s.closeQuickSearch);
  return open ? <QuickSearchDialog onClose={close} /> : null;
}

function QuickSearchDialog({ onClose }: { onClose: () => void }) {
  const { client, tenants } = useStores();
  const tenantId = useStore(tenants, (s) => s.selected);
  const [text, setText] = useState("");
  const [hits, setHits] = useState<QuickSearchHit[]>([]);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<ErrorBody | null>(null);
  const [active, setActive] = useState(0);
  const query = useDebounced(text.trim(), QUICK_SEARCH_DEBOUNCE_MS);
  const listId = useId();

  useEffect(() => {
    if (!query) {
      setHits([]);
      setError(null);
      return;
    }
    let current = true;
    setSearching(true);
    client
      .invoke("users.quickSearch", { text: query, tenantId })
      .then((result) => current && (setHits(result.hits), setError(null), setActive(0)))
      .catch((err: unknown) => current && (setHits([]), setError(toErrorBody(err))))
      .finally(() => current && setSearching(false));
    return () => {
      current = false;
    };
  }, [client, query, tenantId]);

  const options: Option[] = hits.map((h) => ({ key: `hit-${h.id}`, userId: h.id, label: h.label, detail: h.tenantIds.join(", ") }));
  const typed = text.trim();
  if (typed && !/\s/.test(typed) && !hits.some((h) => h.id === typed)) {
    options.push({ key: "by-id", userId: typed, label: `Open user id “${typed}”`, detail: "by id" });
  }

  const choose = (option: Option | undefined) => {
    if (!option) return;
    onClose();
    navigate(userHref(option.userId));
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (options.length === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(options[Math.min(active, options.length - 1)]);
    }
  };

  const activeOption = options[active];
  return (
    <Modal title="Find a user" onClose={onClose} testId="quick-search">
      <input
        className="quick-search__input"
        role="combobox"
        aria-expanded={options.length > 0}
        aria-controls={listId}
        aria-activedescendant={activeOption ? `${listId}-${activeOption.key}` : undefined}
        aria-autocomplete="list"
        aria-label="Email or phone prefix, or a user id"
        placeholder={`Email or phone prefix, or a user id — tenant ${tenantId}`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="quick-search-input"
        spellCheck={false}
        autoComplete="off"
      />
      {error ? <ErrorBanner error={error} title="Search failed" /> : null}
      <ul id={listId} role="listbox" className="quick-search__list" aria-label="Matching users" aria-busy={searching}>
        {options.map((o, i) => (
          <li
            key={o.key}
            id={`${listId}-${o.key}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? "quick-search__option quick-search__option--active" : "quick-search__option"}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(o)}
            data-testid="quick-search-option"
          >
            <span className="quick-search__label">{o.label}</span>
            <span className="quick-search__detail">{o.detail}</span>
          </li>
        ))}
      </ul>
      <p className="quick-search__hint" aria-live="polite">
        {searching ? "Searching…" : query && hits.length === 0 && !error ? "No user starts with that email or phone." : "↑ ↓ to move · Enter to open · Esc to close"}
      </p>
    </Modal>
  );
}
