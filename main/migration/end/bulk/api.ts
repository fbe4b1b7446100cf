/**
 * The Core's bulk import (Core 9.x+, as 11.4.7 serves it on PostgreSQL), called raw: supertokens-node
 * does not wrap it. What this module keeps of the Core's answers is ids, statuses and error
 * messages only: the staged listing returns each user as staged, `plainTextPassword` and hashes
 * included, and none of that may reach a log, the renderer or a file.
 *
 *   POST /bulk-import/users          stage up to 10,000 users (a bad batch is refused whole: 400 with
 *                                    each bad user's index and errors)
 *   GET  /bulk-import/users          the staged users, by status (NEW, PROCESSING, FAILED), in pages
 *   GET  /bulk-import/users/count    how many are staged, by status
 *   POST /bulk-import/users/remove   unstage (e.g. the ones the Core failed to import)
 *   POST /bulk-import/import         import one user at once (for users the background task leaves waiting)
 * Staged users are imported by a background task of the Core (every 5 minutes on a real Core,
 * taking everything staged at its start); a user imported is gone from the listing.
 */
import { GatehouseError } from "../../../../shared/contract/errors.ts";
import type { CoreClient } from "../../../core/core-client.ts";

/** The most users one POST /bulk-import/users takes. */
export const BULK_IMPORT_MAX = 10_000;
/** The most users one page of GET /bulk-import/users returns. */
export const BULK_LIST_MAX = 500;

export type StagedStatus = "NEW" | "PROCESSING" | "FAILED";

/** One staged user as kept here: never its login methods (they hold passwords or hashes). */
export interface StagedUser {
  id: string;
  externalUserId: string | null;
  status: StagedStatus;
  errorMessage: string | null;
}

/** A user to stage, in the Core's shape. */
export interface ImportUser {
  externalUserId: string;
  userMetadata: Record<string, unknown>;
  loginMethods: {
    recipeId: "emailpassword";
    email: string;
    tenantIds: string[];
    isVerified: boolean;
    isPrimary: false;
    passwordHash: string;
    hashingAlgorithm: string;
  }[];
}

/** The Core refused a batch: per index of the batch, its errors. */
export class BatchRefused extends Error {
  constructor(readonly perUser: Map<number, string[]>, message: string) {
    super(message);
    this.name = "BatchRefused";
  }
}

const coreError = (path: string, status: number, text: string) =>
  new GatehouseError({ code: "CORE_ERROR", message: `The SuperTokens Core answered ${status} on ${path}: ${text.trim().slice(0, 500)}` });

/** Whether the Core offers the bulk import; the reason when not (its own words, or the 404). */
export async function bulkImportSupport(core: CoreClient): Promise<{ available: boolean; reason: string | null }> {
  const { status, text } = await core.rawAnswer("GET", "/bulk-import/users/count");
  if (status === 200) return { available: true, reason: null };
  if (status === 404) return { available: false, reason: "This Core has no bulk import (404 on /bulk-import/users/count: it is older than Core 9)." };
  if (status === 400) return { available: false, reason: `The Core refuses the bulk import: ${messageOf(text)}` };
  if (status >= 500) throw coreError("/bulk-import/users/count", status, text);
  return { available: false, reason: `The Core answered ${status} on /bulk-import/users/count: ${messageOf(text)}` };
}

/** The text of a Core error body ("Http error. Status Code: 400. Message: …" on a real Core). */
function messageOf(text: string): string {
  const trimmed = text.trim();
  const match = /Message:\s*([\s\S]*)$/.exec(trimmed);
  return (match?.[1] ?? trimmed).trim().slice(0, 500);
}

/**
 * Stages the users; the Core's ids for them (the staged id is the SuperTokens id each user gets),
 * in order. A 400 naming users is a BatchRefused (nothing of the batch was staged).
 */
export async function stageUsers(core: CoreClient, users: readonly ImportUser[]): Promise<{ stagedIds: (string | null)[] }> {
  const { status, text } = await core.rawAnswer("POST", "/bulk-import/users", { users });
  if (status === 200) {
    // Each user as staged: its external id, and per login method the SuperTokens id it will get (the staged id).
    const body = JSON.parse(text) as { users?: { userId?: string; loginMethods?: { userId?: string }[] }[] };
    return { stagedIds: users.map((_, i) => body.users?.[i]?.loginMethods?.[0]?.userId ?? null) };
  }
  if (status === 400) {
    const parsed = parseRefusal(text);
    if (parsed) throw parsed;
  }
  throw coreError("/bulk-import/users", status, text);
}

function parseRefusal(text: string): BatchRefused | undefined {
  const message = messageOf(text);
  try {
    const body = JSON.parse(message) as { error?: string; users?: { index: number; errors: string[] }[] };
    if (!Array.isArray(body.users)) return undefined;
    const perUser = new Map<number, string[]>();
    for (const u of body.users) perUser.set(u.index, u.errors);
    return new BatchRefused(perUser, body.error ?? "the Core refused the batch");
  } catch {
    return undefined;
  }
}

/** Every staged user (all statuses, or one), a page at a time; only ids, statuses and errors are kept. */
export async function listStaged(core: CoreClient, status?: StagedStatus): Promise<StagedUser[]> {
  const out: StagedUser[] = [];
  let token: string | undefined;
  do {
    const query: Record<string, string> = { limit: String(BULK_LIST_MAX), ...(status ? { status } : {}), ...(token ? { paginationToken: token } : {}) };
    const { status: code, text } = await core.rawAnswer("GET", "/bulk-import/users", undefined, query);
    if (code !== 200) throw coreError("/bulk-import/users", code, text);
    const body = JSON.parse(text) as { users: { id: string; externalUserId?: string | null; status: StagedStatus; errorMessage?: string | null }[]; nextPaginationToken?: string };
    for (const u of body.users) out.push({ id: u.id, externalUserId: u.externalUserId ?? null, status: u.status, errorMessage: u.errorMessage ?? null });
    token = body.nextPaginationToken;
  } while (token);
  return out;
}

export async function stagedCounts(core: CoreClient): Promise<{ new: number; processing: number; failed: number }> {
  const count = async (status: StagedStatus) => {
    const { status: code, text } = await core.rawAnswer("GET", "/bulk-import/users/count", undefined, { status });
    if (code !== 200) throw coreError("/bulk-import/users/count", code, text);
    return (JSON.parse(text) as { count: number }).count;
  };
  const [n, p, f] = await Promise.all([count("NEW"), count("PROCESSING"), count("FAILED")]);
  return { new: n, processing: p, failed: f };
}

/** Imports one user at once (POST /bulk-import/import); the Core's errors when it refuses. */
export async function importNow(core: CoreClient, user: ImportUser): Promise<{ ok: true } | { ok: false; errors: string[] }> {
  const { status, text } = await core.rawAnswer("POST", "/bulk-import/import", user);
  if (status === 200) return { ok: true };
  if (status === 400) {
    try {
      const body = JSON.parse(messageOf(text)) as { errors?: string[] };
      if (Array.isArray(body.errors)) return { ok: false, errors: body.errors };
    } catch {
      // not the Core's per-user answer: an error below
    }
  }
  throw coreError("/bulk-import/import", status, text);
}

/** Unstages users (at most 500 ids per call, as the Core takes). */
export async function removeStaged(core: CoreClient, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += BULK_LIST_MAX) {
    const { status, text } = await core.rawAnswer("POST", "/bulk-import/users/remove", { ids: ids.slice(i, i + BULK_LIST_MAX) });
    if (status !== 200) throw coreError("/bulk-import/users/remove", status, text);
  }
}
