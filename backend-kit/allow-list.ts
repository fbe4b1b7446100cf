/**
 * Seed 02's allow-list helpers, per tenant and with the console's data contract: the list lives in
 * the UserMetadata of a synthetic user id (`emailAllowList` / `phoneNumberAllowList`, or
 * `<id>:<tenantId>` outside `public`) under `{ allowList: string[] }`.
 *
 * The Core replaces a metadata array whole and has no compare-and-set, so every edit re-reads the
 * list, merges its one change in, writes, and reads again to check that a concurrent writer (the
 * console, another server) did not overwrite it; if it did, the edit is applied again on top of
 * the newer list. Edits from this process to the same list are queued, so they never race each
 * other; across processes the re-read narrows the window for a lost update but cannot close it.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { DEFAULT_DATA_CONTRACT, allowListUserId, type DataContract } from "./data-contract.ts";

export type AllowListKind = "email" | "phone";

export interface AllowListOptions {
  /** Tenant whose list to use; default `public`. */
  tenantId?: string;
  /** Where the lists live; default the seeds' keys. */
  contract?: DataContract;
  userContext?: Record<string, unknown>;
}

const MAX_EDIT_ATTEMPTS = 5;

/** Emails compare trimmed and lowercased; phones in E.164 when they parse (the Core stores E.164). */
export function normalizeAllowListEntry(kind: AllowListKind, value: string): string {
  const trimmed = value.trim();
  if (kind === "email") return trimmed.toLowerCase();
  const phone = parsePhoneNumberFromString(trimmed);
  return phone?.isValid() ? phone.format("E.164") : trimmed;
}

function target(kind: AllowListKind, options: AllowListOptions): { id: string; key: string } {
  const contract = options.contract ?? DEFAULT_DATA_CONTRACT;
  return { id: allowListUserId(kind, options.tenantId ?? "public", contract), key: contract.allowListKey };
}

/** The list as stored (entries that are not strings are dropped). */
export async function getAllowList(kind: AllowListKind, options: AllowListOptions = {}): Promise<string[]> {
  const { id, key } = target(kind, options);
  const { metadata } = await UserMetadata.getUserMetadata(id, options.userContext);
  const list: unknown = metadata[key];
  return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === "string") : [];
}

/** Whether the email or phone is on the tenant's list (compared normalized). */
export async function isAllowed(kind: AllowListKind, value: string, options: AllowListOptions = {}): Promise<boolean> {
  const wanted = normalizeAllowListEntry(kind, value);
  const list = await getAllowList(kind, options);
  return list.some((entry) => normalizeAllowListEntry(kind, entry) === wanted);
}

/** Edits of one list from this process run one after another (the Core has no compare-and-set). */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(id: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(id) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(id, settled);
  void settled.then(() => {
    if (queues.get(id) === settled) queues.delete(id);
  });
  return run;
}

function edit(kind: AllowListKind, value: string, add: boolean, options: AllowListOptions): Promise<boolean> {
  return serialized(target(kind, options).id, () => editNow(kind, value, add, options));
}

async function editNow(kind: AllowListKind, value: string, add: boolean, options: AllowListOptions): Promise<boolean> {
  const { id, key } = target(kind, options);
  const entry = normalizeAllowListEntry(kind, value);
  const matches = (e: string) => normalizeAllowListEntry(kind, e) === entry;
  const done = (list: string[]) => (add ? list.some(matches) : !list.some(matches));
  let changed = false;
  for (let attempt = 0; attempt < MAX_EDIT_ATTEMPTS; attempt++) {
    const list = await getAllowList(kind, options);
    if (done(list)) return changed;
    const next = add ? [...list, entry] : list.filter((e) => !matches(e));
    await UserMetadata.updateUserMetadata(id, { [key]: next }, options.userContext);
    changed = true;
    if (done(await getAllowList(kind, options))) return true;
  }
  throw new Error(`could not ${add ? "add" : "remove"} ${entry} ${add ? "to" : "from"} ${id}: the list kept changing under concurrent edits`);
}

/** Add an entry (normalized); true when the list changed, false when it was already there. */
export function addToAllowList(kind: AllowListKind, value: string, options: AllowListOptions = {}): Promise<boolean> {
  return edit(kind, value, true, options);
}

/** Remove every entry equal to it (normalized); true when the list changed. */
export function removeFromAllowList(kind: AllowListKind, value: string, options: AllowListOptions = {}): Promise<boolean> {
  return edit(kind, value, false, options);
}

// The seed's own names, for apps that follow the guide.
export const addEmailToAllowlist = (email: string, options?: AllowListOptions) => addToAllowList("email", email, options);
export const addPhoneNumberToAllowlist = (phone: string, options?: AllowListOptions) => addToAllowList("phone", phone, options);
export const removeEmailFromAllowlist = (email: string, options?: AllowListOptions) => removeFromAllowList("email", email, options);
export const removePhoneNumberFromAllowlist = (phone: string, options?: AllowListOptions) => removeFromAllowList("phone", phone, options);
export const isEmailAllowed = (email: string, options?: AllowListOptions) => isAllowed("email", email, options);
export const isPhoneNumberAllowed = (phone: string, options?: AllowListOptions) => isAllowed("phone", phone, options);
