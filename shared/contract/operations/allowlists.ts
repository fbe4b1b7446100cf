/**
 * Allow-lists (seed 02): per tenant, the email and phone lists the app backend's sign-up guard
 * reads from UserMetadata (`{ allowList: string[] }` under the ids of shared/data-contract.ts).
 */
import { z } from "zod";
import { op } from "../define.ts";
import { tenantId } from "../schemas.ts";

export const allowListKind = z.enum(["email", "phone"]);
export type AllowListKind = z.infer<typeof allowListKind>;

/** Why a stored entry may not do what the admin expects. */
export const allowListFlag = z.enum([
  /** Not in its normal form (email: trimmed + lowercase; phone: E.164): the guard compares the raw input, so it can never match. */
  "not-normalised",
  /** Not an email address / not a phone number at all. */
  "invalid",
  /** Same normal form as an earlier entry. */
  "duplicate",
]);
export type AllowListFlag = z.infer<typeof allowListFlag>;

/** An account that already has this email / phone number in the tenant. */
export const allowListAccount = z.object({
  userId: z.string(),
  /** The seed's guard lets existing Passwordless users sign in whatever the list says. */
  passwordless: z.boolean(),
});

export const allowListEntry = z.object({
  /** The entry exactly as stored. */
  value: z.string(),
  /** Its normal form, or null when it is invalid. */
  normalised: z.string().nullable(),
  /** Empty when the entry is fine. */
  flags: z.array(allowListFlag),
  /** What is wrong, in words (null when nothing is). */
  message: z.string().nullable(),
  account: allowListAccount.nullable(),
});
export type AllowListEntry = z.infer<typeof allowListEntry>;

/** A region (ISO 3166 alpha-2) for phone numbers written without a country code. */
const defaultRegion = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2}$/, "a region is a two-letter country code such as US or GB")
  .transform((s) => s.toUpperCase())
  .optional();

const entries = z.array(z.string().max(1000, "an entry is at most 1000 characters")).max(100_000);

export const allowListChangeItem = z.object({
  action: z.enum(["add", "remove"]),
  /** The entry as given (typed, or the CSV cell). */
  entry: z.string(),
  /** The CSV line it came from, when it came from a file. */
  line: z.number().nullable(),
  /** What it becomes on the list (add) or matched on the list (remove); null when invalid. */
  value: z.string().nullable(),
  outcome: z.enum(["new", "already-listed", "removed", "not-listed", "duplicate", "invalid"]),
  account: allowListAccount.nullable(),
  message: z.string().nullable(),
});
export type AllowListChangeItem = z.infer<typeof allowListChangeItem>;

export const allowListPreview = z.object({
  tenantId: z.string(),
  kind: allowListKind,
  metadataId: z.string(),
  /** The list's version when the preview was made (pass it to allowlists.apply). */
  version: z.string(),
  before: z.number(),
  /** The list as it would be after applying, in order. */
  after: z.array(z.string()),
  /** What allowlists.apply should be given to make this change. */
  add: z.array(z.string()),
  remove: z.array(z.string()),
  items: z.array(allowListChangeItem),
  /** Entries that cannot be applied, each naming the entry (and the line of a file). */
  errors: z.array(z.object({ entry: z.string(), line: z.number().nullable(), message: z.string() })),
  /** Problems with a whole file (missing header or column, too big): nothing was read from it. */
  fileErrors: z.array(z.string()),
  impact: z.object({
    newEntries: z.number(),
    /** Added entries whose person already has an account (they could sign in anyway if Passwordless). */
    addedWithAccounts: z.array(z.string()),
    /** Removed entries whose person has an account: they keep signing in (removal only stops new sign-ups). */
    removedWithAccounts: z.array(z.string()),
    removed: z.number(),
    duplicates: z.number(),
    noOps: z.number(),
    invalid: z.number(),
  }),
  notes: z.array(z.string()),
});
export type AllowListPreview = z.infer<typeof allowListPreview>;

const listRef = { tenantId, kind: allowListKind };
const target = (i: { tenantId: string; kind: string }) => `${i.kind} allow-list of ${i.tenantId}`;

export const allowListOps = {
  "allowlists.get": op({
    summary: "An allow-list as stored, each entry flagged and matched to an account",
    permission: "allowlists:read",
    mutates: false,
    input: z.object({ ...listRef, defaultRegion }),
    output: z.object({
      tenantId: z.string(),
      kind: allowListKind,
      metadataId: z.string(),
      version: z.string(),
      entries: z.array(allowListEntry),
      /** The metadata held something other than an array of strings under the key. */
      malformed: z.string().nullable(),
    }),
  }),
  "allowlists.preview": op({
    summary: "What adding and removing allow-list entries would change, before saving",
    permission: "allowlists:read",
    mutates: false,
    input: z.object({ ...listRef, add: entries, remove: entries, defaultRegion }),
    output: allowListPreview,
  }),
  "allowlists.apply": op({
    summary: "Add and remove allow-list entries (merged with concurrent edits)",
    permission: "allowlists:write",
    mutates: true,
    input: z.object({ ...listRef, add: entries, remove: entries, expectedVersion: z.string().optional(), defaultRegion }),
    output: z.object({
      metadataId: z.string(),
      version: z.string(),
      list: z.array(z.string()),
      added: z.array(z.string()),
      removed: z.array(z.string()),
      alreadyListed: z.array(z.string()),
      notListed: z.array(z.string()),
      /** The list had changed since `expectedVersion`; the change was merged with it. */
      concurrentChange: z.boolean(),
      /** Writes it took (more than 1: another writer slipped in and the change was merged again). */
      attempts: z.number(),
    }),
    target,
  }),
  "allowlists.import": op({
    summary: "Dry run of a CSV import into an allow-list (apply it with allowlists.apply)",
    permission: "allowlists:read",
    mutates: false,
    input: z.object({ ...listRef, csv: z.string(), mode: z.enum(["add", "replace"]), defaultRegion }),
    output: allowListPreview.extend({ rows: z.number() }),
  }),
  "allowlists.export": op({
    summary: "An allow-list as CSV",
    permission: "allowlists:read",
    mutates: false,
    input: z.object(listRef),
    output: z.object({ filename: z.string(), csv: z.string(), count: z.number() }),
  }),
};
