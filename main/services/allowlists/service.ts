/**
 * Allow-lists (seed 02): read with flags and accounts, preview a change and its impact, apply it
 * without losing a concurrent edit, import a CSV as a dry run, export as CSV.
 */
import { createHash } from "node:crypto";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import type { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { AllowListKind, AllowListPreview, allowListOps } from "../../../shared/contract/operations/allowlists.ts";
import { allowListUserId } from "../../../shared/data-contract.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { ActiveConnection } from "../connection.ts";
import { accountsFor, type Account } from "./accounts.ts";
import { allowListCsv, readAllowListCsv } from "./csv.ts";
import { Leases, type LeaseOptions } from "./lease.ts";
import { flagEntries } from "./normalise.ts";
import { planChange, sameList, type Given, type Plan } from "./plan.ts";

type Out<N extends keyof typeof allowListOps> = z.output<(typeof allowListOps)[N]["output"]>;
type In<N extends keyof typeof allowListOps> = z.output<(typeof allowListOps)[N]["input"]>;

/** Writes tried before giving up when writers outside Gatehouse keep overwriting the list. */
export const MAX_APPLY_ATTEMPTS = 5;

export const listVersion = (list: readonly string[]): string => createHash("sha256").update(JSON.stringify(list)).digest("hex").slice(0, 16);

interface Stored {
  list: string[];
  /** Set when the metadata holds something the seed's guard would not read as a list. */
  malformed: string | null;
}

type Update = Parameters<typeof UserMetadata.updateUserMetadata>[1];

export class AllowListsService {
  /** One apply at a time per list inside this console; consoles take turns through the lease. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly leases: Leases;

  constructor(
    private readonly connection: () => ActiveConnection,
    lease: LeaseOptions = {},
  ) {
    this.leases = new Leases(lease);
  }

  async get(input: In<"allowlists.get">): Promise<Out<"allowlists.get">> {
    const { core, metadataId, key } = this.target(input);
    const stored = await this.read(core, metadataId, key);
    const flagged = flagEntries(input.kind, stored.list, input.defaultRegion);
    const accounts = await accountsFor(core, input.tenantId, input.kind, flagged.flatMap((f) => (f.normalised === null ? [] : [f.normalised])));
    return {
      tenantId: input.tenantId,
      kind: input.kind,
      metadataId,
      version: listVersion(stored.list),
      entries: flagged.map((f) => ({ ...f, account: f.normalised === null ? null : (accounts.get(f.normalised) ?? null) })),
      malformed: stored.malformed,
    };
  }

  async preview(input: In<"allowlists.preview">): Promise<Out<"allowlists.preview">> {
    return this.previewOf(input, given(input.add), given(input.remove), [], []);
  }

  async import(input: In<"allowlists.import">): Promise<Out<"allowlists.import">> {
    const file = readAllowListCsv(input.csv, input.kind, input.defaultRegion);
    if (file.fileErrors.length > 0) {
      const { metadataId, core, key } = this.target(input);
      const stored = await this.read(core, metadataId, key);
      return { ...emptyPreview(input, metadataId, stored.list), fileErrors: file.fileErrors, rows: 0 };
    }
    const add: Given[] = file.entries.map((e) => ({ entry: e.value, line: e.line }));
    let remove: (current: string[]) => Given[] = () => [];
    if (input.mode === "replace") {
      // Replace: everything stored that the file does not hold in normal form goes (never-matching variants too).
      const keep = new Set(planChange(input.kind, [], add, [], input.defaultRegion).add);
      remove = (current) => current.filter((v) => !keep.has(v)).map((v) => ({ entry: v, line: null, exact: true }));
    }
    const preview = await this.previewOf(input, add, remove, file.rowErrors, []);
    return { ...preview, rows: file.rows };
  }

  async apply(input: In<"allowlists.apply">): Promise<Out<"allowlists.apply">> {
    const { core, metadataId, key } = this.target(input);
    // Fail on bad input before taking the lease (against an empty list: only the entries matter here).
    const check = planChange(input.kind, [], given(input.add), [], input.defaultRegion);
    if (check.errors.length > 0) {
      throw new GatehouseError({
        code: "VALIDATION",
        message: `Nothing was changed: ${check.errors.length} ${check.errors.length === 1 ? "entry is" : "entries are"} not valid: ${check.errors
          .slice(0, 5)
          .map((e) => e.message)
          .join("; ")}${check.errors.length > 5 ? "; …" : ""}`,
        field: "add",
      });
    }
    let sent = false;
    try {
      return await this.serialised(metadataId, () =>
        this.leases.hold(core, metadataId, () =>
          this.applyLeased(core, metadataId, key, input, () => {
            sent = true;
          }),
        ),
      );
    } catch (err) {
      throw saySaved(err, sent);
    }
  }

  async export(input: In<"allowlists.export">): Promise<Out<"allowlists.export">> {
    const { core, metadataId, key } = this.target(input);
    const { list } = await this.read(core, metadataId, key);
    const filename = `${input.kind}-allow-list-${input.tenantId}.csv`;
    return { filename, csv: allowListCsv(input.kind, list), count: list.length };
  }

  // Read, merge this change into what is there now, write, read again; another write in between: again.
  private async applyLeased(core: CoreClient, metadataId: string, key: string, input: In<"allowlists.apply">, sending: () => void): Promise<Out<"allowlists.apply">> {
    let concurrentChange = false;
    for (let attempt = 1; attempt <= MAX_APPLY_ATTEMPTS; attempt++) {
      const stored = await this.read(core, metadataId, key);
      if (stored.malformed) throw new GatehouseError({ code: "CONFLICT", message: `Nothing was changed: ${stored.malformed}` });
      if (attempt === 1 && input.expectedVersion !== undefined && input.expectedVersion !== listVersion(stored.list)) concurrentChange = true;
      if (attempt > 1) concurrentChange = true;
      const plan = planChange(input.kind, stored.list, given(input.add), given(input.remove), input.defaultRegion);
      const result = (list: string[]) => ({ metadataId, version: listVersion(list), list, ...outcomes(plan), concurrentChange, attempts: attempt });
      if (sameList(plan.after, stored.list)) return result(stored.list);
      sending();
      await core.sdk(() => UserMetadata.updateUserMetadata(metadataId, { [key]: plan.after } as Update));
      const verify = await this.read(core, metadataId, key);
      if (sameList(verify.list, plan.after)) return result(verify.list);
    }
    throw new GatehouseError({
      code: "CONFLICT",
      message: `The allow-list kept changing under this edit (${MAX_APPLY_ATTEMPTS} tries): something outside Gatehouse is writing it. Reload it and check the change.`,
    });
  }

  private async previewOf(
    input: { tenantId: string; kind: AllowListKind; defaultRegion?: string | undefined },
    add: Given[],
    remove: Given[] | ((current: string[]) => Given[]),
    rowErrors: AllowListPreview["errors"],
    fileErrors: string[],
  ): Promise<AllowListPreview> {
    const { core, metadataId, key } = this.target(input);
    const stored = await this.read(core, metadataId, key);
    const removing = typeof remove === "function" ? remove(stored.list) : remove;
    const plan = planChange(input.kind, stored.list, add, removing, input.defaultRegion);
    const looked = plan.items.flatMap((i) => (i.value !== null && i.outcome !== "invalid" ? [i.value] : []));
    const accounts = await accountsFor(core, input.tenantId, input.kind, looked);
    const account = (v: string | null): Account | null => (v === null ? null : (accounts.get(v) ?? null));
    const items = plan.items.map((i) => ({ ...i, account: i.outcome === "invalid" ? null : account(i.value) }));
    const addedWithAccounts = items.filter((i) => i.action === "add" && (i.outcome === "new" || i.outcome === "already-listed") && i.account).map((i) => i.value ?? i.entry);
    const removedWithAccounts = items.filter((i) => i.action === "remove" && i.outcome === "removed" && i.account).map((i) => i.value ?? i.entry);
    const count = (outcome: string) => items.filter((i) => i.outcome === outcome).length;
    const notes: string[] = [];
    if (plan.remove.length > 0) {
      notes.push(
        removedWithAccounts.length > 0
          ? `Removing does not lock existing users out: ${removedWithAccounts.length} removed ${removedWithAccounts.length === 1 ? "entry belongs" : "entries belong"} to people who already have an account and keep signing in. The list only decides who may sign up.`
          : "Removing an entry only stops new sign-ups; it does not lock out anyone who already has an account.",
      );
    }
    if (addedWithAccounts.length > 0) notes.push(`${addedWithAccounts.length} added ${addedWithAccounts.length === 1 ? "entry already has" : "entries already have"} an account in ${input.tenantId}.`);
    return {
      tenantId: input.tenantId,
      kind: input.kind,
      metadataId,
      version: listVersion(stored.list),
      before: stored.list.length,
      after: plan.after,
      add: plan.add,
      remove: plan.remove,
      items,
      errors: [...rowErrors, ...plan.errors].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
      fileErrors,
      impact: {
        newEntries: count("new"),
        addedWithAccounts,
        removedWithAccounts,
        removed: plan.remove.length,
        duplicates: count("duplicate"),
        noOps: count("already-listed") + count("not-listed"),
        invalid: count("invalid") + rowErrors.length,
      },
      notes,
    };
  }

  private target(input: { tenantId: string; kind: AllowListKind }) {
    const { core, profile } = this.connection();
    return { core, metadataId: allowListUserId(input.kind, input.tenantId, profile.contract), key: profile.contract.allowListKey };
  }

  private async read(core: CoreClient, metadataId: string, key: string): Promise<Stored> {
    const { metadata } = await core.sdk(() => UserMetadata.getUserMetadata(metadataId));
    const value = (metadata as Record<string, unknown>)[key];
    if (value === undefined || value === null) return { list: [], malformed: null };
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return { list: value, malformed: null };
    const list = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
    return { list, malformed: `The metadata of "${metadataId}" holds ${JSON.stringify(value).slice(0, 80)} under "${key}", not a list of strings; fix it by hand before editing it here.` };
  }

  private serialised<T>(listId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(listId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.queues.set(listId, tail);
    void tail.then(() => {
      if (this.queues.get(listId) === tail) this.queues.delete(listId);
    });
    return run;
  }
}

const given = (entries: readonly string[]): Given[] => entries.map((entry) => ({ entry, line: null }));

/**
 * An apply that failed on the way says whether the list may have changed: before the write was
 * sent, nothing was; after, the Core may have saved it (one whole write: all of it or none), and
 * applying the same change again is safe — it only adds what is missing and removes what is left.
 */
function saySaved(err: unknown, sent: boolean): unknown {
  if (!(err instanceof GatehouseError) || err.code === "VALIDATION" || err.code === "CONFLICT") return err;
  const what = sent
    ? "The change was sent to the Core before it stopped answering, so it may or may not be saved. Reload the list to see; applying the same change again is safe."
    : "Nothing was changed.";
  return new GatehouseError({ ...err.toBody(), message: `${err.message} ${what}` });
}

function outcomes(plan: Plan) {
  return {
    added: plan.add,
    removed: plan.remove,
    alreadyListed: plan.items.filter((i) => i.action === "add" && i.outcome === "already-listed").map((i) => i.value ?? i.entry),
    notListed: plan.items.filter((i) => i.action === "remove" && i.outcome === "not-listed").map((i) => i.entry),
  };
}

function emptyPreview(input: { tenantId: string; kind: AllowListKind }, metadataId: string, list: string[]): AllowListPreview {
  return {
    tenantId: input.tenantId,
    kind: input.kind,
    metadataId,
    version: listVersion(list),
    before: list.length,
    after: list,
    add: [],
    remove: [],
    items: [],
    errors: [],
    fileErrors: [],
    impact: { newEntries: 0, addedWithAccounts: [], removedWithAccounts: [], removed: 0, duplicates: 0, noOps: 0, invalid: 0 },
    notes: [],
  };
}
