/**
 * Per-profile invite settings: where the app's sign-in page is (for magic links), the default
 * phone region, SMTP (the password sealed with the SecretBox, never returned) and the templates
 * (the email one, and the text message of phone invites; settings stored before it get the default).
 */
import type { z } from "zod";
import type { InviteSettings, inviteOps } from "../../../shared/contract/operations/invites.ts";
import { DEFAULT_INVITE_TEMPLATE, DEFAULT_SMS_INVITE_TEMPLATE } from "../../mail/template.ts";
import type { SmtpConfig } from "../../mail/mailer.ts";
import type { SecretBox } from "../../secrets/secret-box.ts";
import type { StoreDb } from "../../store/database.ts";

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

interface Row {
  settings: string;
  smtp_password_sealed: string | null;
}

export class InviteSettingsStore {
  constructor(
    private readonly db: StoreDb,
    private readonly secrets: SecretBox,
    private readonly now: () => number,
  ) {}

  get(profileId: string): InviteSettings {
    const row = this.row(profileId);
    const stored = row ? { ...DEFAULT_INVITE_SETTINGS, ...(JSON.parse(row.settings) as Partial<Stored>) } : { ...DEFAULT_INVITE_SETTINGS };
    return { ...stored, hasPassword: Boolean(row?.smtp_password_sealed) };
  }

  update(profileId: string, input: UpdateInput): InviteSettings {
    const current = this.get(profileId);
    const next: Stored = {
      appUrl: input.appUrl ?? current.appUrl,
      websiteBasePath: input.websiteBasePath ?? current.websiteBasePath,
      defaultRegion: input.defaultRegion ?? current.defaultRegion,
      smtp: input.smtp === undefined ? current.smtp : input.smtp,
      template: input.template ?? current.template,
      smsTemplate: input.smsTemplate ?? current.smsTemplate,
    };
    const sealed =
      input.smtpPassword === undefined ? (this.row(profileId)?.smtp_password_sealed ?? null) : input.smtpPassword === null || input.smtpPassword === "" ? null : this.secrets.seal(input.smtpPassword);
    this.db
      .prepare(
        `INSERT INTO invite_settings (profile_id, settings, smtp_password_sealed, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (profile_id) DO UPDATE SET settings = excluded.settings, smtp_password_sealed = excluded.smtp_password_sealed, updated_at = excluded.updated_at`,
      )
      .run(profileId, JSON.stringify(next), sealed, this.now());
    return this.get(profileId);
  }

  /** The SMTP server to send through, with its password opened; undefined when none is set. */
  smtp(profileId: string): SmtpConfig | undefined {
    const { smtp } = this.get(profileId);
    if (!smtp) return undefined;
    const sealed = this.row(profileId)?.smtp_password_sealed;
    return { ...smtp, password: sealed ? this.secrets.open(sealed) : undefined };
  }

  private row(profileId: string): Row | undefined {
    return this.db.prepare("SELECT settings, smtp_password_sealed FROM invite_settings WHERE profile_id = ?").get(profileId) as Row | undefined;
  }
}

