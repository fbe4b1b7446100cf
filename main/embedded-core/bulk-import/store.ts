/**
 * The staged bulk-import users (the Core's bulk_import_users table on PostgreSQL): listed newest
 * first (created_at, then id, both descending), paged with a token "base64(<id>;<createdAt>)"
 * that names the first user of the next page, counted per status, removed by id, and claimed by
 * the background task.
 */
import type { CoreDeps } from "../context.ts";
import type { JsonObject } from "../http/input.ts";
import { stagedJson, type BulkImportStatus, type BulkImportUser } from "./types.ts";

interface Row {
  id: string;
  raw_data: string;
  status: BulkImportStatus;
  primary_user_id: string | null;
  error_msg: string | null;
  created_at: number;
  updated_at: number;
}

export interface StagedRow {
  id: string;
  /** The staged JSON as listed (without status and times). */
  data: JsonObject;
  status: BulkImportStatus;
}

/** Gson writes no null object members (staged metadata loses its nulls); arrays keep theirs. */
function dropNullMembers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNullMembers);
  if (typeof v !== "object" || v === null) return v;
  const out: JsonObject = {};
  for (const [k, item] of Object.entries(v)) {
    if (item !== null) Object.defineProperty(out, k, { value: dropNullMembers(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** BulkImportUserPaginationToken.extractTokenInfo: Java's strict Base64 of "<id>;<createdAt>". */
export function parsePageToken(token: string): { id: string; createdAt: number } | undefined {
  const unpadded = token.replace(/={1,2}$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  if (unpadded.length !== token.length && token.length % 4 !== 0) return undefined;
  const parts = Buffer.from(unpadded, "base64").toString("utf8").split(";");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop(); // Java's split
  const [id, createdAt] = parts;
  if (parts.length !== 2 || id === undefined || createdAt === undefined || !/^[+-]?\d+$/.test(createdAt)) return undefined;
  const n = BigInt(createdAt);
  if (n !== BigInt.asIntN(64, n)) return undefined;
  return { id, createdAt: Number(n) };
}

const pageToken = (row: Row): string => Buffer.from(`${row.id};${row.created_at}`).toString("base64");

export class StagedUsers {
  constructor(private readonly deps: CoreDeps) {}

  private get db() {
    return this.deps.db;
  }

  /** Stages users; each gets its own created_at, as the Core's batch insert reads the clock per row. */
  add(users: BulkImportUser[]): void {
    const insert = this.db.prepare("INSERT INTO bulk_import_users (id, raw_data, status, created_at, updated_at) VALUES (?, ?, 'NEW', ?, ?)");
    for (const u of users) {
      const now = this.deps.now();
      insert.run(u.id, JSON.stringify(dropNullMembers(stagedJson(u))), now, now);
    }
  }

  /** A page of the listing, in the Core's JSON shape, and the token of the next page. */
  list(limit: number, status: BulkImportStatus | undefined, from: { id: string; createdAt: number } | undefined) {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (status) {
      where.push("status = ?");
      params.push(status);
    }
    if (from) {
      where.push("(created_at < ? OR (created_at = ? AND id <= ?))");
      params.push(from.createdAt, from.createdAt, from.id);
    }
    const rows = this.db
      .prepare(`SELECT * FROM bulk_import_users ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...params, limit + 1) as Row[];
    const next = rows.length === limit + 1 ? rows[limit] : undefined;
    return { users: rows.slice(0, limit).map(listed), nextPaginationToken: next ? pageToken(next) : undefined };
  }

  count(status: BulkImportStatus | undefined): number {
    const sql = `SELECT COUNT(*) AS n FROM bulk_import_users${status ? " WHERE status = ?" : ""}`;
    return (this.db.prepare(sql).get(...(status ? [status] : [])) as { n: number }).n;
  }

  /** Removes the given ids; returns those that existed. */
  remove(ids: readonly string[]): Set<string> {
    const removed = new Set<string>();
    const del = this.db.prepare("DELETE FROM bulk_import_users WHERE id = ?");
    for (const id of ids) if (del.run(id).changes > 0) removed.add(id);
    return removed;
  }

  /**
   * getBulkImportUsersAndChangeStatusToProcessing: up to `limit` users that are NEW or PROCESSING
   * (PostgreSQL returns them in no set order; here the order they were staged in), now PROCESSING.
   */
  claim(limit: number): StagedRow[] {
    const rows = this.db
      .prepare("SELECT id, raw_data, status FROM bulk_import_users WHERE status IN ('NEW', 'PROCESSING') ORDER BY rowid LIMIT ?")
      .all(limit) as Pick<Row, "id" | "raw_data" | "status">[];
    const mark = this.db.prepare("UPDATE bulk_import_users SET status = 'PROCESSING', updated_at = ? WHERE id = ?");
    const now = this.deps.now();
    for (const r of rows) mark.run(now, r.id);
    return rows.map((r) => ({ id: r.id, data: JSON.parse(r.raw_data) as JsonObject, status: "PROCESSING" }));
  }

  markFailed(errors: ReadonlyMap<string, string>): void {
    const mark = this.db.prepare("UPDATE bulk_import_users SET status = 'FAILED', error_msg = ?, updated_at = ? WHERE id = ?");
    for (const [id, message] of errors) mark.run(message, this.deps.now(), id);
  }
}

/** BulkImportUser.toJsonObject for a stored row: the staged JSON, then status, primary user, error and times. */
function listed(row: Row): JsonObject {
  const out: JsonObject = { ...(JSON.parse(row.raw_data) as JsonObject), status: row.status };
  if (row.primary_user_id !== null) out.primaryUserId = row.primary_user_id;
  if (row.error_msg !== null) out.errorMessage = row.error_msg;
  out.createdAt = row.created_at;
  out.updatedAt = row.updated_at;
  return out;
}
