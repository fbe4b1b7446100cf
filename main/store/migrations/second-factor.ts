/** Second-factor resets in progress: what a resumed run needs to finish without repeating a step. */
export const SECOND_FACTOR_MIGRATIONS: string[] = [
  `CREATE TABLE second_factor_resets (
     profile_id TEXT NOT NULL,
     user_id TEXT NOT NULL,
     -- the normalised action as JSON: a rerun with the same action resumes
     action TEXT NOT NULL,
     -- the second-factor state before the first run (JSON)
     before TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     -- the Passwordless user this reset created for the new phone, once created
     created_user_id TEXT,
     -- when the phone/link change was in place: sessions created up to then are revoked
     changed_at INTEGER,
     PRIMARY KEY (profile_id, user_id)
   );`,
  // The phone a new phone user is being created for, written just before the Core is asked: a
  // crash before the created id is journaled still leaves a trace to look for on the Core.
  `ALTER TABLE second_factor_resets ADD COLUMN creating_phone TEXT;`,
];
