/** Invites: invite one person, the tenant's invites with status, the outbox, and (admin) invite settings. */
import { useCallback, useEffect, useState } from "react";
import { useStore } from "zustand";
import type { InviteRow, OutboxEntry } from "../../../shared/contract/operations/invites.ts";
import { Can, useStores } from "../app/StoresContext.tsx";
import { ErrorBanner } from "../components/ErrorBanner.tsx";
import { TenantPicker } from "../components/TenantPicker.tsx";
import { useAsyncAction } from "../lib/hooks.ts";
import { BulkInvite } from "./invites/BulkInvite.tsx";
import { InviteForm } from "./invites/InviteForm.tsx";
import { InviteList } from "./invites/InviteList.tsx";
import { InviteSettingsForm } from "./invites/InviteSettingsForm.tsx";
import { Outbox } from "./invites/Outbox.tsx";

export function InvitesPage() {
  const { client, tenants } = useStores();
  const tenantId = useStore(tenants, (s) => s.selected);
  const [invites, setInvites] = useState<InviteRow[]>([]);
  const [outbox, setOutbox] = useState<OutboxEntry[]>([]);
  const [showSettings, setShowSettings] = useState(false);
  const load = useAsyncAction(async () => {
    const [list, box] = await Promise.all([client.invoke("invites.list", { tenantId }), client.invoke("invites.outbox.list", {})]);
    setInvites(list.invites);
    setOutbox(box.entries);
  });
  const reload = useCallback(() => void load.run(), [load]);
  useEffect(() => {
    void load.run();
  }, [client, tenantId]);

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
      {load.error ? <ErrorBanner error={load.error} title="Could not load invites" onRetry={reload} /> : null}
      <InviteList invites={invites} onChanged={reload} />
      <Outbox entries={outbox} onChanged={reload} />
    </section>
  );
}
