/** Reset-mail templates in PostgreSQL, shared by two or more team-server instances (template-store.ts). */
import type pg from "pg";
import type { MailTemplate } from "../../mail/template.ts";
import { templateJson, templateOf, type ResetTemplateStore } from "./template-store.ts";

export const RESET_TEMPLATES_POSTGRES = `CREATE TABLE reset_link_settings (
     profile_id TEXT PRIMARY KEY,
     -- { template: { subject, text } } as JSON text
     settings TEXT NOT NULL,
     updated_at BIGINT NOT NULL
   );`;

export class PostgresResetTemplateStore implements ResetTemplateStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(profileId: string): Promise<Partial<MailTemplate> | undefined> {
    const { rows } = await this.pool.query<{ settings: string }>("SELECT settings FROM reset_link_settings WHERE profile_id = $1", [profileId]);
    return rows[0] ? templateOf(rows[0].settings) : undefined;
  }

  async put(profileId: string, template: MailTemplate, at: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO reset_link_settings (profile_id, settings, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (profile_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
      [profileId, templateJson(template), at],
    );
  }
}
