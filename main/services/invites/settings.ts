/**
 * Per-profile invite settings: where the app's sign-in page is (for magic links), the default
 * phone region, SMTP (the password sealed with the SecretBox before it reaches the store, never returned) and the templates
 * (the email one, and the text message of phone invites; settings stored before it get the default).
 */
import type { z } from "zod";
import type { InviteSettings, inviteOps } from "../../../shared/contract/operations/invites.ts";
import { DEFAULT_INVITE_TEMPLATE, DEFAULT_SMS_INVITE_TEMPLATE } from "../../mail/template.ts";
import type { SmtpConfig } from "../../mail/mailer.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";
import type { InviteStore, StoredSettings } from "./store/invite-store.ts";

type UpdateInput = z.output<(typeof inviteOps)["invites.settings.update"]["input"]>;
type Stored = Omit<InviteSettings, "hasPassword">;

export const DEFAULT_INVITE_SETTINGS: Readonly<Stored> = Object.freeze({
  appUrl: "http://localhost:3000",
  websiteBasePath: "/auth",
  defaultRegion: "US",
  smtp: null,
  template: { ...DEFAULT_INVITE_TEMPLATE },
  smsTemplate: DEFAULT_SMS_INVITE_TEMPLATE,
});

export class InviteSettingsStore {
  constructor(
    private readonly store: InviteStore,
    private readonly secrets: SecretBox,
    private readonly now: () => number,
  ) {}

  async get(profileId: string): Promise<InviteSettings> {
    return view(await this.store.settings(profileId));
  }

  async update(profileId: string, input: UpdateInput): Promise<InviteSettings> {
    const row = await this.store.settings(profileId);
    const current = view(row);
    const next: Stored = {
      appUrl: input.appUrl ?? current.appUrl,
      websiteBasePath: input.websiteBasePath ?? current.websiteBasePath,
      defaultRegion: input.defaultRegion ?? current.defaultRegion,
      smtp: input.smtp === undefined ? current.smtp : input.smtp,
      template: input.template ?? current.template,
      smsTemplate: input.smsTemplate ?? current.smsTemplate,
    };
    const sealed =
      input.smtpPassword === undefined ? (row?.smtpPasswordSealed ?? null) : input.smtpPassword === null || input.smtpPassword === "" ? null : this.secrets.seal(input.smtpPassword);
    const stored: StoredSettings = { settings: JSON.stringify(next), smtpPasswordSealed: sealed };
    await this.store.saveSettings(profileId, stored, this.now());
    return view(stored);
  }

  /** The settings and the SMTP server to send through, with its password opened (undefined when none is set), from one read. */
  async withSmtp(profileId: string): Promise<{ settings: InviteSettings; smtp: SmtpConfig | undefined }> {
    const row = await this.store.settings(profileId);
    const settings = view(row);
    const sealed = row?.smtpPasswordSealed;
    return { settings, smtp: settings.smtp ? { ...settings.smtp, password: sealed ? this.secrets.open(sealed) : undefined } : undefined };
  }
}

/** The stored settings over the defaults (settings stored before a field existed get its default). */
function view(row: StoredSettings | undefined): InviteSettings {
  const stored = row ? { ...DEFAULT_INVITE_SETTINGS, ...(JSON.parse(row.settings) as Partial<Stored>) } : { ...DEFAULT_INVITE_SETTINGS };
  return { ...stored, hasPassword: Boolean(row?.smtpPasswordSealed) };
}

