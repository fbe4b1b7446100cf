/** Reset-mail templates in Gatehouse's SQLite (template-store.ts). */
import type { MailTemplate } from "../../mail/template.ts";
import type { StoreDb } from "../../store/database.ts";
import { preparedFor, type Prepared } from "../../store/statements.ts";
import { templateJson, templateOf, type ResetTemplateStore } from "./template-store.ts";

export class SqliteResetTemplateStore implements ResetTemplateStore {
  private readonly sql: Prepared;

  constructor(db: StoreDb) {
    this.sql = preparedFor(db);
  }

  async get(profileId: string): Promise<Partial<MailTemplate> | undefined> {
    const row = this.sql("SELECT settings FROM reset_link_settings WHERE profile_id = ?").get(profileId) as { settings: string } | undefined;
    return row ? templateOf(row.settings) : undefined;
  }

  async put(profileId: string, template: MailTemplate, at: number): Promise<void> {
    this.sql(
      `INSERT INTO reset_link_settings (profile_id, settings, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (profile_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
    ).run(profileId, templateJson(template), at);
  }
}
