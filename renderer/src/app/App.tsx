/** The shell: loads who is operating, wires events and shortcuts, lays out nav, header and page. */
import { useEffect, useRef } from "react";
import { useStore } from "zustand";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Notices } from "../components/Notices.tsx";
import { QuickSearch } from "../components/QuickSearch.tsx";
import { Spinner } from "../components/Spinner.tsx";
import type { Stores } from "../stores/index.ts";
import { Header } from "./Header.tsx";
import { Pages } from "./Pages.tsx";
import { refreshAfterProfileChange } from "./profileSwitch.ts";
import { useRoute } from "./router.ts";
import { useGlobalShortcuts, useNavItems } from "./shortcuts.ts";
import { Sidebar } from "./Sidebar.tsx";
import { StoresProvider } from "./StoresContext.tsx";

export function App({ stores }: { stores: Stores }) {
  return (
    <StoresProvider stores={stores}>
      <Shell stores={stores} />
    </StoresProvider>
  );
}

function Shell({ stores }: { stores: Stores }) {
  const route = useRoute();
  const status = useStore(stores.session, (s) => s.status);
  const error = useStore(stores.session, (s) => s.error);
  const whoami = useStore(stores.session, (s) => s.whoami);
  const tenantsStatus = useStore(stores.tenants, (s) => s.status);
  const openQuickSearch = useStore(stores.ui, (s) => s.openQuickSearch);
  const main = useRef<HTMLElement>(null);
  useGlobalShortcuts(openQuickSearch, useNavItems());

  useEffect(() => {
    void refreshAfterProfileChange(stores, { firstLoad: true });
    return stores.client.on("connection.changed", (event) => {
      const before = stores.session.getState().whoami?.profile?.id ?? null;
      stores.session.getState().connectionChanged(event);
      if (event.profileId !== before) void refreshAfterProfileChange(stores);
    });
  }, [stores]);

  // On navigation, move focus to the page so keyboard and screen-reader users start there.
  const routeKey = route.page === "user" ? `user:${route.userId}` : route.page;
  useEffect(() => {
    main.current?.focus({ preventScroll: true });
  }, [routeKey]);

  return (
    <div className="app">
      <a href="#content" className="skip-link" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <Sidebar route={route} />
      <div className="app__body">
        <Header />
        <main id="content" ref={main} tabIndex={-1} className="app__main">
          {status === "error" && error && !whoami ? (
            <ErrorBanner
              error={error}
              title="Gatehouse could not say who is operating"
              onRetry={() => void refreshAfterProfileChange(stores)}
              // Every role may ask who is operating, so a refusal here is about the browser-mode token.
              {...(error.code === "FORBIDDEN" ? { advice: "Open the URL Gatehouse printed when it started: its token lets this browser tab in." } : {})}
            />
          ) : !whoami || tenantsStatus === "idle" ? (
            <Spinner label="Connecting to Gatehouse…" />
          ) : (
            <Pages route={route} />
          )}
        </main>
      </div>
      <QuickSearch />
      <Notices />
    </div>
  );
}
