/** Invite settings of the active profile (admin): app URL and base path, phone region, SMTP, template. */
import { useEffect, useState } from "react";
import type { InviteSettings } from "../../../../shared/contract/operations/invites.ts";
import { fieldError } from "../../api/errors.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";

export function InviteSettingsForm() {
  const { client, ui } = useStores();
  const [settings, setSettings] = useState<InviteSettings | null>(null);
  const [password, setPassword] = useState("");
  const load = useAsyncAction(async () => setSettings(await client.invoke("invites.settings.get", {})));
  useEffect(() => {
    void load.run();
  }, [client]);
  const save = useAsyncAction(async () => {
    if (!settings) return;
    const { hasPassword: _ignored, ...rest } = settings;
    setSettings(await client.invoke("invites.settings.update", { ...rest, ...(password ? { smtpPassword: password } : {}) }));
    setPassword("");
    ui.getState().notify("Invite settings saved");
  });
  if (!settings) return load.error ? <ErrorBanner error={load.error} title="Could not load invite settings" onRetry={() => void load.run()} /> : null;
  const set = (patch: Partial<InviteSettings>) => setSettings({ ...settings, ...patch });
  const smtp = settings.smtp;
  const err = (f: string) => fieldError(save.error, f);
  const text = (label: string, value: string, onChange: (v: string) => void, field: string, type = "text") => (
    <label className="field">
      <span className="field__label">{label}</span>
      <input type={type} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={Boolean(err(field))} data-testid={`invite-settings-${field.replace(/\./g, "-")}`} />
      {err(field) ? <span className="field__error">{err(field)}</span> : null}
    </label>
  );
  return (
    <form
      className="card form"
      aria-label="Invite settings"
      data-testid="invite-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <h2>Invite settings</h2>
      {text("App URL (where the sign-in page is)", settings.appUrl, (v) => set({ appUrl: v }), "appUrl")}
      {text("Website base path", settings.websiteBasePath, (v) => set({ websiteBasePath: v }), "websiteBasePath")}
      {text("Default phone region", settings.defaultRegion, (v) => set({ defaultRegion: v.toUpperCase() }), "defaultRegion")}
      <label className="inline-field">
        <input
          type="checkbox"
          checked={smtp !== null}
          onChange={(e) => set({ smtp: e.target.checked ? { host: "", port: 587, secure: false, username: "", from: "" } : null })}
          data-testid="invite-settings-smtp-enabled"
        />
        Send invite mail over SMTP (otherwise messages go to the outbox)
      </label>
      {smtp ? (
        <fieldset>
          <legend>SMTP</legend>
          {text("Host", smtp.host, (v) => set({ smtp: { ...smtp, host: v } }), "smtp.host")}
          {text("Port", String(smtp.port), (v) => set({ smtp: { ...smtp, port: Number(v) || 0 } }), "smtp.port", "number")}
          <label className="inline-field">
            <input type="checkbox" checked={smtp.secure} onChange={(e) => set({ smtp: { ...smtp, secure: e.target.checked } })} />
            TLS from the start (port 465)
          </label>
          {text("Username", smtp.username, (v) => set({ smtp: { ...smtp, username: v } }), "smtp.username")}
          <label className="field">
            <span className="field__label">Password {settings.hasPassword ? "(stored; type to replace)" : ""}</span>
            <input type="password" value={password} autoComplete="new-password" onChange={(e) => setPassword(e.target.value)} data-testid="invite-settings-password" />
          </label>
          {text("From address", smtp.from, (v) => set({ smtp: { ...smtp, from: v } }), "smtp.from")}
        </fieldset>
      ) : null}
      {text("Subject", settings.template.subject, (v) => set({ template: { ...settings.template, subject: v } }), "template.subject")}
      <label className="field">
        <span className="field__label">Text</span>
        <textarea rows={8} value={settings.template.text} onChange={(e) => set({ template: { ...settings.template, text: e.target.value } })} data-testid="invite-settings-template-text" />
        <span className="field__hint">Placeholders: {"{{link}} {{expiresInMinutes}} {{email}} {{phoneNumber}} {{appUrl}}"}</span>
        {err("template.text") ? <span className="field__error">{err("template.text")}</span> : null}
      </label>
      {save.error && !save.error.field ? <ErrorBanner error={save.error} title="Could not save" onDismiss={save.reset} /> : null}
      <div className="dialog-actions">
        <button type="submit" className="button--primary" disabled={save.pending} data-testid="invite-settings-save">
          {save.pending ? "Saving…" : "Save settings"}
        </button>
      </div>
    </form>
  );
}
