/** Invite settings of the active profile (admin): app URL and base path, phone region, SMTP, the email and SMS templates. */
import { useEffect, useId, useState } from "react";
import { SMS_TEMPLATE_MAX } from "../../../../shared/contract/limits.ts";
import type { InviteSettings } from "../../../../shared/contract/operations/invites.ts";
import { fieldError } from "../../api/errors.ts";
import { useStores } from "../../app/StoresContext.tsx";
import { ErrorBanner } from "../../components/ErrorBanner.tsx";
import { useAsyncAction } from "../../lib/hooks.ts";

export function InviteSettingsForm() {
  const { client, ui } = useStores();
  const [settings, setSettings] = useState<InviteSettings | null>(null);
  const [password, setPassword] = useState("");
  const smsId = useId();
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
  // Editing a field the server refused clears that refusal: a fixed value no longer shows the old error.
  const set = (patch: Partial<InviteSettings>) => {
    const field = save.error?.field;
    if (field && Object.keys(patch).some((k) => field === k || field.startsWith(`${k}.`))) save.reset();
    setSettings({ ...settings, ...patch });
  };
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
      <div className="field">
        <label className="field__label" htmlFor={`${smsId}-input`}>
          SMS text (phone invites go to the outbox with this text, to send from your SMS tool)
        </label>
        <textarea
          id={`${smsId}-input`}
          rows={3}
          value={settings.smsTemplate}
          onChange={(e) => set({ smsTemplate: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void save.run();
            }
          }}
          aria-invalid={Boolean(err("smsTemplate"))}
          aria-describedby={`${smsId}-hint${err("smsTemplate") ? ` ${smsId}-error` : ""}`}
          data-testid="invite-settings-sms-template"
        />
        <span className="field__hint" id={`${smsId}-hint`}>
          Placeholders: {"{{link}} (required) {{expiresInMinutes}} {{phoneNumber}} {{appUrl}}"}. {settings.smsTemplate.length} of {SMS_TEMPLATE_MAX} characters before the
          placeholders are filled in; the link alone takes about 150, and one SMS holds 160 (longer texts go out in parts). Ctrl+Enter or ⌘+Enter saves.
        </span>
        {err("smsTemplate") ? (
          <span className="field__error" id={`${smsId}-error`} data-testid="invite-settings-sms-template-error">
            {err("smsTemplate")}
          </span>
        ) : null}
      </div>
      {save.error && !save.error.field ? <ErrorBanner error={save.error} title="Could not save" onDismiss={save.reset} /> : null}
      <div className="dialog-actions">
        <button type="submit" className="button--primary" disabled={save.pending} data-testid="invite-settings-save">
          {save.pending ? "Saving…" : "Save settings"}
        </button>
      </div>
    </form>
  );
}
