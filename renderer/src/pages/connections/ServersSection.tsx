/**
 * The Connections page's Gatehouse servers: connections of kind "Gatehouse server", next to the
 * Core profiles. Add (name and address), Open (the desktop app's own window, or a new tab in
 * browser mode), Remove (asked first; the server's saved sign-in goes too). Every role may: the
 * link grants nothing, the server decides who signs in and with which role.
 */
import { useEffect, useRef, useState } from "react";
import type { ServerView } from "../../../../shared/contract/operations/servers.ts";
import { useCan, useStores } from "../../app/StoresContext.tsx";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { EmptyState } from "../../components/EmptyState.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { Spinner } from "../../components/Spinner.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";
import { ServerForm } from "./ServerForm.tsx";
import { useServers, type ServersList } from "./servers.ts";

export function ServersSection() {
  const stores = useStores();
  const canChange = useCan("servers:write");
  const list = useServers(stores.client);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<ServerView | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  // Focus goes back to "Add server" once the form is gone (the button is enabled again only then).
  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (refocus && !adding) {
      addButton.current?.focus();
      setRefocus(false);
    }
  }, [refocus, adding]);

  return (
    <section className="servers" aria-labelledby="servers-title" data-testid="servers">
      <div className="toolbar">
        <h2 id="servers-title">Gatehouse servers</h2>
        <span className="toolbar__spacer" />
        {canChange ? (
          <button ref={addButton} type="button" onClick={() => setAdding(true)} disabled={adding} data-testid="server-add">
            Add server
          </button>
        ) : null}
      </div>
      <p className="subheading">A team's Gatehouse server keeps the Core's API key and gives each operator a role. Sign in there; this computer keeps only the server's address and your session.</p>
      {adding ? (
        <ServerForm
          add={list.add}
          onDone={(added) => {
            setAdding(false);
            stores.ui.getState().notify(`Gatehouse server ${added.name} added`);
          }}
          onCancel={() => {
            setAdding(false);
            setRefocus(true);
          }}
        />
      ) : null}
      {list.error ? <ErrorBanner error={list.error} title="Could not list Gatehouse servers" onRetry={() => void list.load()} /> : null}
      {list.status === "loading" ? <Spinner label="Loading Gatehouse servers…" /> : null}
      {list.status === "ready" && list.servers.length === 0 ? (
        <EmptyState title="No Gatehouse servers." testId="servers-empty">
          Add your team's server by its address, e.g. https://gatehouse.example.com.
        </EmptyState>
      ) : null}
      <ul className="profile-list" aria-label="Gatehouse servers">
        {list.servers.map((s) => (
          <ServerCard key={s.id} server={s} list={list} canChange={canChange} onRemove={() => setRemoving(s)} />
        ))}
      </ul>
      {removing ? (
        <ConfirmDialog
          title={`Remove Gatehouse server “${removing.name}”?`}
          confirmLabel="Remove server"
          testId="server-remove-dialog"
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            await list.remove(removing.id);
            stores.ui.getState().notify(`Gatehouse server ${removing.name} removed`);
            setRemoving(null);
            setRefocus(true);
          }}
        >
          Gatehouse forgets {removing.url} and signs you out of it on this computer (its window closes and its saved session is cleared). The server and your account there are not touched.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function ServerCard({ server, list, canChange, onRemove }: { server: ServerView; list: ServersList; canChange: boolean; onRemove: () => void }) {
  // Browser mode: the page opened a tab itself; the link stays here in case the browser blocked it.
  const [openedHere, setOpenedHere] = useState<string | null>(null);
  const open = useAsyncAction(async () => setOpenedHere(await list.open(server.id)));
  return (
    <li className="card profile" data-testid="server-row">
      <div className="profile__main">
        <h3 className="profile__name">
          {server.name}
          <span className="badge">Gatehouse server</span>
        </h3>
        <dl className="facts facts--compact">
          <div>
            <dt>Address</dt>
            <dd className="mono">{server.url}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>given by the server when you sign in</dd>
          </div>
        </dl>
      </div>
      {canChange ? (
        <div className="profile__actions">
          <button type="button" className="button--primary" onClick={() => void open.run()} disabled={open.pending} aria-label={`Open ${server.name}`} data-testid="server-open">
            {open.pending ? "Opening…" : "Open"}
          </button>
          <button type="button" className="button--danger" onClick={onRemove} aria-label={`Remove ${server.name}`} data-testid="server-remove">
            Remove
          </button>
        </div>
      ) : null}
      {open.error ? <ErrorBanner error={open.error} title="Could not open the server" onDismiss={open.reset} /> : null}
      {openedHere ? (
        <p className="subheading" data-testid="server-opened-here">
          Opened in a new tab. If none appeared,{" "}
          <a href={openedHere} target="_blank" rel="noopener noreferrer">
            open {openedHere}
          </a>
          .
        </p>
      ) : null}
    </li>
  );
}
