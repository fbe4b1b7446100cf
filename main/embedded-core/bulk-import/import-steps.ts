/**
 * Importing validated bulk-import users, in the steps and order of Core 11.4.7
 * (BulkImport.processUsersImportSteps): login methods (emailpassword, then passwordless, in the
 * users' order; then other tenants), account linking, user-id mappings, verified emails,
 * metadata (shallow-merged into what the id already has), roles.
 *
 * All users given are imported together or not at all: on the Core they share one transaction,
 * and its PostgreSQL batch inserts stop at the first conflicting row. So the first conflict fails
 * that user (E003, E006, E007, E014, E015, E030, E043, E034), an error the Core does not
 * translate fails every user of the batch, and a failed user-id-mapping insert is a storage error
 * the Core retries on its next run. The caller runs this in a savepoint and rolls back unless "ok".
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { CoreDeps } from "../context.ts";
import { hashPassword } from "../crypto.ts";
import type { MetadataStore } from "../recipes/metadata.ts";
import { javaHashSetOrder } from "../recipes/java-hash-set.ts";
import { primaryLoginMethod, type BulkImportUser, type BulkLoginMethod } from "./types.ts";

export type ImportOutcome =
  | { kind: "ok" }
  /** BulkImportBatchInsertException: these users fail (keyed by a login method's or the user's id). */
  | { kind: "users"; errors: Map<string, string> }
  /** Any other error: every user of the batch fails; the sync import reports it as `sync`. */
  | { kind: "batch"; message: string; sync: string }
  /** A StorageQueryException: the background task leaves the batch to its next run. */
  | { kind: "retry"; sync: string };

class Stop extends Error {
  constructor(readonly outcome: Exclude<ImportOutcome, { kind: "ok" }>) {
    super(outcome.kind);
  }
}

const failUser = (id: string, message: string): Stop => new Stop({ kind: "users", errors: new Map([[id, message]]) });

/** A value as PostgreSQL's JDBC driver prints it in a failed statement. */
const sqlText = (v: string): string => `'${v.replaceAll("'", "''")}'`;

/** The text of a PostgreSQL unique violation inside a JDBC batch, as the Core passes it on. */
function batchDuplicate(entry: number, insert: string, values: string[], constraint: string, key: [string, string[]]): string {
  return (
    `java.sql.BatchUpdateException: Batch entry ${entry} ${insert} VALUES(${values.map((v) => `(${sqlText(v)})`).join(", ")}) was aborted: ` +
    `ERROR: duplicate key value violates unique constraint "${constraint}"\n  Detail: Key (${key[0]})=(${key[1].join(", ")}) already exists.  ` +
    "Call getNextException to see other errors in the batch."
  );
}

const STORAGE_QUERY = "io.supertokens.pluginInterface.exceptions.StorageQueryException";
const STORAGE_LOGIC = "io.supertokens.pluginInterface.exceptions.StorageTransactionLogicException";

export class ImportSteps {
  constructor(
    private readonly deps: CoreDeps,
    private readonly accounts: Accounts,
    private readonly metadata: MetadataStore,
  ) {}

  /**
   * Imports the users (login methods get their stored hash: the given one, else one made from
   * the plain-text password, precomputed in `hashes` when the caller could do it off-thread).
   */
  run(users: BulkImportUser[], hashes: ReadonlyMap<string, string> = new Map()): ImportOutcome {
    try {
      this.deps.db.transaction(() => {
        this.loginMethods(users, hashes);
        this.accountLinking(users);
        this.mappings(users);
        this.verifiedEmails(users);
        this.userMetadata(users);
        this.roles(users);
      })();
      return { kind: "ok" };
    } catch (err) {
      if (err instanceof Stop) return err.outcome;
      throw err;
    }
  }

  private loginMethods(users: BulkImportUser[], hashes: ReadonlyMap<string, string>): void {
    const all = users.flatMap((u) => u.loginMethods);
    const of = (recipe: string): BulkLoginMethod[] => all.filter((m) => m.recipeId === recipe);
    for (const m of of("emailpassword")) {
      const tenantId = m.tenantIds[0] ?? "public";
      const email = m.email ?? "";
      if (this.accounts.findInTenant(tenantId, "emailpassword", { email })) {
        throw failUser(m.superTokensUserId, `E003: A user with email ${email} already exists in emailpassword loginMethod.`);
      }
      const hash = m.passwordHash ?? hashes.get(m.superTokensUserId) ?? hashPassword(m.plainTextPassword ?? "");
      this.insert(m, tenantId, { email, phone: null, hash });
    }
    for (const m of of("passwordless")) {
      const tenantId = m.tenantIds[0] ?? "public";
      if (m.email !== undefined && this.accounts.findInTenant(tenantId, "passwordless", { email: m.email })) {
        throw failUser(m.superTokensUserId, `E006: A user with email ${m.email} already exists in passwordless loginMethod.`);
      }
      if (m.phoneNumber !== undefined && this.accounts.findInTenant(tenantId, "passwordless", { phoneNumber: m.phoneNumber })) {
        throw failUser(m.superTokensUserId, `E007: A user with phoneNumber ${m.phoneNumber} already exists in passwordless loginMethod.`);
      }
      this.insert(m, tenantId, { email: m.email ?? null, phone: m.phoneNumber ?? null, hash: null });
    }
    // The Core walks its login methods grouped by recipe, in HashMap order of the recipe ids.
    for (const recipe of javaHashSetOrder(["emailpassword", "passwordless"], "empty")) {
      for (const m of of(recipe)) this.otherTenants(m);
    }
  }

  private insert(m: BulkLoginMethod, tenantId: string, info: { email: string | null; phone: string | null; hash: string | null }): void {
    this.accounts.insert(
      {
        user_id: m.superTokensUserId,
        recipe_id: m.recipeId as "emailpassword" | "passwordless",
        time_joined: m.timeJoinedInMSSinceEpoch,
        email: info.email,
        phone_number: info.phone,
        password_hash: info.hash,
      },
      [tenantId],
    );
  }

  /** associateUserToTenants: the login method joins its other tenants, where its email or phone must be free. */
  private otherTenants(m: BulkLoginMethod): void {
    const recipe = m.recipeId as "emailpassword" | "passwordless";
    const row = this.accounts.row(m.superTokensUserId);
    if (!row) return;
    for (const tenantId of m.tenantIds.slice(1)) {
      const prefix = `We tried to add the userId ${m.superTokensUserId} to the tenantId ${tenantId} but another user with`;
      if (m.email !== undefined && this.accounts.takenInTenants([tenantId], recipe, { email: m.email }, row.user_id)) {
        throw failUser(m.superTokensUserId, `E014: ${prefix} email ${m.email} already exists.`);
      }
      if (m.phoneNumber !== undefined && this.accounts.takenInTenants([tenantId], recipe, { phoneNumber: m.phoneNumber }, row.user_id)) {
        throw failUser(m.superTokensUserId, `E015: ${prefix} phoneNumber ${m.phoneNumber} already exists.`);
      }
      if (!this.accounts.tenantsOf(row.user_id).includes(tenantId)) this.accounts.addToTenant(row, tenantId);
    }
  }

  /** createPrimaryUsersAndLinkAccounts: the embedded core has no account linking (a Core without the feature). */
  private accountLinking(users: BulkImportUser[]): void {
    if (users.some((u) => u.loginMethods.some((m) => m.isPrimary) || u.loginMethods.length > 1)) {
      const message = "E019: Account linking feature is not enabled for this app. Please contact support to enable it.";
      throw new Stop({ kind: "batch", message, sync: `java.lang.Exception: ${message}` });
    }
  }

  /** createMultipleUserIdMappings: checks per user first, then one batch insert of the rest. */
  private mappings(users: BulkImportUser[]): void {
    const { db } = this.deps;
    const wanted = new Map<string, string>();
    for (const u of users) if (u.externalUserId !== undefined) wanted.set(primaryLoginMethod(u.loginMethods).superTokensUserId, u.externalUserId);
    const errors = new Map<string, string>();
    const toInsert: string[] = [];
    for (const st of javaHashSetOrder([...wanted.keys()], "empty")) {
      const ext = wanted.get(st) ?? "";
      if (this.accounts.row(ext)) errors.set(st, "E030: io.supertokens.pluginInterface.bulkimport.exceptions.BulkImportBatchInsertException: useridmapping errors");
      else toInsert.push(st);
    }
    const taken = db.prepare("SELECT 1 FROM userid_mapping WHERE external_user_id = ?");
    const insert = db.prepare("INSERT INTO userid_mapping (supertokens_user_id, external_user_id, external_user_id_info) VALUES (?, ?, NULL)");
    toInsert.forEach((st, entry) => {
      const ext = wanted.get(st) ?? "";
      if (taken.get(ext)) {
        const sql = batchDuplicate(
          entry,
          "INSERT INTO userid_mapping (app_id, supertokens_user_id, external_user_id)",
          ["public", st, ext],
          "userid_mapping_external_user_id_key",
          ["app_id, external_user_id", ["public", ext]],
        );
        throw new Stop({ kind: "retry", sync: `${STORAGE_QUERY}: ${sql}` });
      }
      insert.run(st, ext);
    });
    if (errors.size > 0) throw new Stop({ kind: "users", errors });
    for (const u of users) {
      if (u.externalUserId !== undefined) primaryLoginMethod(u.loginMethods).externalUserId = u.externalUserId;
    }
  }

  private verifiedEmails(users: BulkImportUser[]): void {
    const { db } = this.deps;
    const exists = db.prepare("SELECT 1 FROM email_verified WHERE user_id = ? AND email = ?");
    const insert = db.prepare("INSERT INTO email_verified (user_id, email) VALUES (?, ?)");
    for (const m of users.flatMap((u) => u.loginMethods)) {
      if (!m.isVerified || m.email === undefined) continue;
      const userId = m.externalUserId ?? m.superTokensUserId;
      if (exists.get(userId, m.email)) {
        throw failUser(userId, "E043: Email io.supertokens.pluginInterface.emailpassword.exceptions.DuplicateEmailException is already verified for the user");
      }
      insert.run(userId, m.email);
    }
  }

  private userMetadata(users: BulkImportUser[]): void {
    for (const u of users) {
      if (u.userMetadata === undefined) continue;
      const m = primaryLoginMethod(u.loginMethods);
      this.metadata.update(m.externalUserId ?? m.superTokensUserId, u.userMetadata);
    }
  }

  /** addMultipleRolesToMultipleUsers: one batch insert; a role the user already has is a duplicate row. */
  private roles(users: BulkImportUser[]): void {
    const { db } = this.deps;
    const byTenant = new Map<string, Map<string, string[]>>();
    for (const u of users) {
      for (const r of u.userRoles ?? []) {
        for (const tenantId of r.tenantIds) {
          const perUser = byTenant.get(tenantId) ?? new Map<string, string[]>();
          const userId = u.externalUserId ?? u.id;
          perUser.set(userId, [...(perUser.get(userId) ?? []), r.role]);
          byTenant.set(tenantId, perUser);
        }
      }
    }
    const roleExists = db.prepare("SELECT 1 FROM roles WHERE role = ?");
    const has = db.prepare("SELECT 1 FROM user_roles WHERE tenant_id = ? AND user_id = ? AND role = ?");
    const insert = db.prepare("INSERT INTO user_roles (tenant_id, user_id, role) VALUES (?, ?, ?)");
    let entry = 0;
    for (const [tenantId, perUser] of byTenant) {
      for (const userId of javaHashSetOrder([...perUser.keys()], "empty")) {
        for (const role of perUser.get(userId) ?? []) {
          if (!roleExists.get(role)) throw failUser(userId, "E034: Role does not exist! You need to pre-create the role before assigning it to the user.");
          if (has.get(tenantId, userId, role)) {
            const sql = batchDuplicate(
              entry,
              "INSERT INTO user_roles(app_id, tenant_id, user_id, role)",
              ["public", tenantId, userId, role],
              "user_roles_pkey",
              ["app_id, tenant_id, user_id, role", ["public", tenantId, userId, role]],
            );
            const message = `${STORAGE_QUERY}: ${sql}`;
            throw new Stop({ kind: "batch", message, sync: `${STORAGE_LOGIC}: ${message}` });
          }
          insert.run(tenantId, userId, role);
          entry += 1;
        }
      }
    }
  }
}
