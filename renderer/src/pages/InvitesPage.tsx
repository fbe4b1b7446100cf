/** Invites: invite one person or many, the tenant's invites with status, this profile's outbox, and (admin) invite settings. */
import { useCallback, useState } from "react";
import { useStore } from "zustand";
import { Can, useStores } from "../app/StoresContext.tsx";
import { TenantPicker } from "../components/TenantPicker.tsx";
import { BulkInvite } from "./invites/BulkInvite.tsx";
import { InviteForm } from "./invites/InviteForm.tsx";
import { InviteList } from "./invites/InviteList.tsx";
import { InviteSettingsForm } from "./invites/InviteSettingsForm.tsx";
import { Outbox } from "./invites/Outbox.tsx";

export function InvitesPage() {
  const { tenants } = useStores();
  const tenantId = useStore(tenants, (s) => s.selected);
  const [showSettings, setShowSettings] = useState(false);
  // Bumped after a change: the list and the outbox load again.
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  return (
    <section className="page" aria-labelledby="invites-title">
      <header className="page__header">
        <h1 id="invites-title">Invites</h1>
        <div className="toolbar">
          <TenantPicker />
          <button type="button" className="icon-button" aria-label="Reload invites" onClick={reload}>
            ↻
          </button>
          <span className="toolbar__spacer" />
          <Can permission="profiles:write">
            <button type="button" onClick={() => setShowSettings((s) => !s)} aria-expanded={showSettings} data-testid="invite-settings-toggle">
              Invite settings
            </button>
          </Can>
        </div>
      </header>
      {showSettings ? <InviteSettingsForm /> : null}
      <Can permission="invites:write">
        <InviteForm onInvited={reload} />
        <BulkInvite />
      </Can>
      <InviteList tenantId={tenantId} version={version} onChanged={reload} />
      <Outbox version={version} onChanged={reload} />
    </section>
  );
}
