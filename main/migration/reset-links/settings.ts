/**
 * The reset mail of each profile: its template (subject and text with {{link}}). Where the link
 * lands (app URL, website base path) and how mail goes out (SMTP or the outbox) are the profile's
 * invite settings, so a profile is set up once for both kinds of link.
 */
import type { ResetLinkSettings } from "../../../shared/contract/operations/migration-end.ts";
import type { MailTemplate } from "../../mail/template.ts";
import type { InviteSettingsStore } from "../../services/invites/settings.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";

export const DEFAULT_RESET_TEMPLATE: Readonly<MailTemplate> = Object.freeze({
  subject: "Set a new password for {{appUrl}}",
  text: [
    "Hello,",
    "",
    "Your account has moved to our new sign-in. Before you sign in again, choose a new password with this link:",
    "",
    "{{link}}",
    "",
    "The link expires in {{expiresInMinutes}} minutes. After that, use \"Forgot password\" on the sign-in page at {{appUrl}} with {{email}} to get a new one.",
    "",
  ].join("\n"),
});

export class ResetLinkSettingsStore {
  private readonly sql: Prepared;

  constructor(
    db: StoreDb,
    private readonly invites: InviteSettingsStore,
    private readonly now: () => number,
  ) {
    this.sql = preparedFor(db);
  }

  template(profileId: string): MailTemplate {
    const row = this.sql("SELECT settings FROM reset_link_settings WHERE profile_id = ?").get(profileId) as { settings: string } | undefined;
    const stored = row ? (JSON.parse(row.settings) as { template?: MailTemplate }) : {};
    return { ...DEFAULT_RESET_TEMPLATE, ...stored.template };
  }

  async view(profileId: string): Promise<ResetLinkSettings> {
    const invite = await this.invites.get(profileId);
    return { template: this.template(profileId), appUrl: invite.appUrl, websiteBasePath: invite.websiteBasePath, smtp: invite.smtp !== null };
  }

  update(profileId: string, template: MailTemplate): Promise<ResetLinkSettings> {
    this.sql(
      `INSERT INTO reset_link_settings (profile_id, settings, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
    ).run(profileId, JSON.stringify({ template: { subject: template.subject, text: template.text } }), this.now());
    return this.view(profileId);
  }
}
