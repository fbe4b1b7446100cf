/** Connections: Core profiles (list, switch, test, add, edit, remove) and, on the desktop, Gatehouse servers. */
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import type { ProfileView } from "../../../shared/contract/schemas.ts";
import { refreshAfterProfileChange } from "../app/profileSwitch.ts";
import { Can, useMayCall, useStores } from "../app/StoresContext.tsx";
import { ConfirmDialog } from "../components/ConfirmDialog.tsx";
import { EmptyState } from "../components/EmptyState.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { Spinner } from "../components/Spinner.tsx";
import { useAsyncAction } from "../lib/hooks.ts";
import type { ProfileTestResult } from "../stores/types.ts";
import { ProfileForm } from "./connections/ProfileForm.tsx";
import { ServersSection } from "./connections/ServersSection.tsx";
import { TestResultView } from "./connections/TestResultView.tsx";

type Editing = { kind: "new" } | { kind: "edit"; profile: ProfileView } | null;

export function ConnectionsPage() {
  const stores = useStores();
  const state = useStore(stores.profiles);
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<ProfileView | null>(null);
  // Gatehouse servers are the desktop's connections; a team server's console is itself one.
  const desktop = useStore(stores.session, (s) => s.whoami?.mode === "desktop");
  // A team server whose profiles are set in its config file (several instances): nothing to change here.
  const locked = useStore(stores.session, (s) => s.whoami?.profilesLocked);

  useEffect(() => {
    void stores.profiles.getState().load();
  }, [stores.profiles]);

  const saved = (profile: ProfileView) => {
    setEditing(null);
    stores.ui.getState().notify(`Profile ${profile.name} saved`);
    if (profile.active) void refreshAfterProfileChange(stores);
  };

  return (
    <section className="page" aria-labelledby="connections-title">
      <header className="page__header">
        <h1 id="connections-title">Connections</h1>
        <div className="toolbar">
          <span className="toolbar__spacer" />
          {locked === undefined ? (
            <Can permission="profiles:write">
              <button type="button" className="button--primary" onClick={() => setEditing({ kind: "new" })} disabled={editing !== null} data-testid="profile-add">
                Add profile
              </button>
            </Can>
          ) : null}
        </div>
      </header>
      {locked !== undefined ? (
        <p className="muted" role="note" data-testid="profiles-locked">
          {locked}
        </p>
      ) : null}
      {editing ? <ProfileForm key={editing.kind === "edit" ? editing.profile.id : "new"} {...(editing.kind === "edit" ? { profile: editing.profile } : {})} onDone={saved} onCancel={() => setEditing(null)} /> : null}
      {state.error ? <ErrorBanner error={state.error} title="Could not list profiles" onRetry={() => void state.load()} /> : null}
      {state.status === "loading" ? <Spinner label="Loading profiles…" /> : null}
      {state.status === "ready" && state.profiles.length === 0 ? <EmptyState title="No connection profiles.">Add one with the Core's URI and API key.</EmptyState> : null}
      <ul className="profile-list" data-testid="profiles">
        {state.profiles.map((p) => (
          <ProfileCard key={p.id} profile={p} locked={locked !== undefined} onEdit={() => setEditing({ kind: "edit", profile: p })} onRemove={() => setRemoving(p)} />
        ))}
      </ul>
      {desktop ? <ServersSection /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove profile “${removing.name}”?`}
          confirmLabel="Remove profile"
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            await stores.profiles.getState().remove(removing.id);
            stores.ui.getState().notify(`Profile ${removing.name} removed`);
            setRemoving(null);
            void refreshAfterProfileChange(stores);
          }}
        >
          Gatehouse forgets this profile and its stored API key. The Core and its users are not touched.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function ProfileCard({ profile, locked, onEdit, onRemove }: { profile: ProfileView; locked: boolean; onEdit: () => void; onRemove: () => void }) {
  const stores = useStores();
  // Asked per operation: a team server makes switching and testing an admin's (main's teamPermissions).
  const canSwitch = useMayCall("profiles.switch") && !locked;
  const canTest = useMayCall("profiles.test");
  const [result, setResult] = useState<ProfileTestResult | null>(null);
  const test = useAsyncAction(async () => setResult(await stores.profiles.getState().test({ id: profile.id })));
  const switchTo = useAsyncAction(async () => {
    await stores.profiles.getState().switchTo(profile.id);
    stores.ui.getState().notify(`Switched to ${profile.name}`);
    await refreshAfterProfileChange(stores);
  });
  return (
    <li className={profile.active ? "card profile profile--active" : "card profile"} data-testid="profile-row" aria-current={profile.active || undefined}>
      <div className="profile__main">
        <h2 className="profile__name">
          {profile.name}
          {profile.active ? <span className="badge badge--ok">active</span> : null}
          {profile.embedded ? <span className="badge">embedded demo core</span> : null}
        </h2>
        <dl className="facts facts--compact">
          <div>
            <dt>Core</dt>
            <dd className="mono">{profile.uris.join("; ")}</dd>
          </div>
          <div>
            <dt>Role</dt>
            <dd>
              <span className={`role-badge role-badge--${profile.role}`}>{profile.role}</span>
            </dd>
          </div>
          <div>
            <dt>Default tenant</dt>
            <dd>{profile.defaultTenant}</dd>
          </div>
          <div>
            <dt>API key</dt>
            <dd>{profile.hasApiKey ? "stored" : "none"}</dd>
          </div>
          <div>
            <dt>Timeout</dt>
            <dd>{profile.timeoutMs.toLocaleString()} ms</dd>
          </div>
        </dl>
      </div>
      <div className="profile__actions">
        {canSwitch && !profile.active ? (
          <button type="button" className="button--primary" onClick={() => void switchTo.run()} disabled={switchTo.pending} data-testid="profile-switch">
            {switchTo.pending ? "Switching…" : "Switch to"}
          </button>
        ) : null}
        {canTest ? (
          <button type="button" onClick={() => void test.run()} disabled={test.pending} data-testid="profile-test-saved">
            {test.pending ? "Testing…" : "Test connection"}
          </button>
        ) : null}
        {locked ? null : (
          <Can permission="profiles:write">
            <button type="button" onClick={onEdit} data-testid="profile-edit">
              Edit
            </button>
            <button type="button" className="button--danger" onClick={onRemove} data-testid="profile-remove">
              Remove
            </button>
          </Can>
        )}
      </div>
      {test.error ? <ErrorBanner error={test.error} title="Could not test" onDismiss={test.reset} /> : null}
      {switchTo.error ? <ErrorBanner error={switchTo.error} title="Could not switch" onDismiss={switchTo.reset} /> : null}
      {result ? <TestResultView result={result} /> : null}
    </li>
  );
}
