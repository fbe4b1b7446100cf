/**
 * The data other recipes keep under a user id (sessions, metadata, roles, email verification).
 * The Core refuses to move a user id into or out of a mapping while such data exists under it,
 * unless forced, and removes it all when the user is deleted.
 */
import type { Db } from "../storage/db.ts";

/** The recipes that may hold data under a user id, in the order the Core checks them, by its names. */
const NON_AUTH_RECIPES: [string, (db: Db, userId: string, now: number) => boolean][] = [
  ["Session", (db, id, now) => !!db.prepare("SELECT 1 FROM sessions WHERE user_id = ? AND expires_at >= ? LIMIT 1").get(id, now)],
  ["UserMetadata", (db, id) => !!db.prepare("SELECT 1 FROM user_metadata WHERE user_id = ?").get(id)],
  ["UserRoles", (db, id) => !!db.prepare("SELECT 1 FROM user_roles WHERE user_id = ? LIMIT 1").get(id)],
  [
    "EmailVerification",
    (db, id) =>
      !!db.prepare("SELECT 1 FROM email_verified WHERE user_id = ? LIMIT 1").get(id) ||
      !!db.prepare("SELECT 1 FROM email_verification_tokens WHERE user_id = ? LIMIT 1").get(id),
  ],
];

/** The recipes, in the Core's order, that hold data under this id. */
export function recipesUsingId(db: Db, userId: string, now: number): string[] {
  return NON_AUTH_RECIPES.filter(([, inUse]) => inUse(db, userId, now)).map(([name]) => name);
}

/** Moves verified emails and pending verification tokens from one id to another. */
export function moveEmailVerification(db: Db, from: string, to: string): void {
  db.prepare("UPDATE OR IGNORE email_verified SET user_id = ? WHERE user_id = ?").run(to, from);
  db.prepare("DELETE FROM email_verified WHERE user_id = ?").run(from);
  db.prepare("UPDATE email_verification_tokens SET user_id = ? WHERE user_id = ?").run(to, from);
}

/** Removes sessions, metadata, roles and email-verification data stored under this id. */
export function removeNonAuthData(db: Db, userId: string): void {
  db.prepare("DELETE FROM user_metadata WHERE user_id = ?").run(userId);
  db.prepare("DELETE FROM user_roles WHERE user_id = ?").run(userId);
  db.prepare("DELETE FROM sessions WHERE user_id = ?").run(userId);
  db.prepare("DELETE FROM email_verified WHERE user_id = ?").run(userId);
  db.prepare("DELETE FROM email_verification_tokens WHERE user_id = ?").run(userId);
}
