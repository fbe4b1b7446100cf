/** UI-only state: the quick-search palette and short notices ("Role added"). No service calls here. */
import { createStore } from "zustand/vanilla";

export interface Notice {
  id: number;
  text: string;
  tone: "success" | "info";
}

export interface UiState {
  quickSearchOpen: boolean;
  notices: Notice[];
  openQuickSearch(): void;
  closeQuickSearch(): void;
  notify(text: string, tone?: Notice["tone"]): void;
  dismiss(id: number): void;
}

const NOTICE_MS = 4000;

export const createUiStore = () =>
  createStore<UiState>()((set, get) => {
    let nextId = 1;
    return {
      quickSearchOpen: false,
      notices: [],
      openQuickSearch: () => set({ quickSearchOpen: true }),
      closeQuickSearch: () => set({ quickSearchOpen: false }),
      notify(text, tone = "success") {
        const id = nextId++;
        set({ notices: [...get().notices, { id, text, tone }] });
        setTimeout(() => get().dismiss(id), NOTICE_MS);
      },
      dismiss: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
    };
  });

export type UiStore = ReturnType<typeof createUiStore>;
