/**
 * The bulk-import path's accounts, per job: the items the runner takes up at once (up to 10,000)
 * are staged on the Core in one request, then each waits until the Core's background task has
 * imported its user (account, mapping to the legacy id, metadata, email verification: all in
 * one import), or refused it (the item then fails with the Core's own message, and the refused
 * user is unstaged so that a retry can stage it again).
 *
 * The Core is watched, not trusted to answer per user: its counts of staged users (NEW,
 * PROCESSING, FAILED) are read every poll, and when they change the staged listing is read to see
 * which of this job's users are gone from it (imported) or FAILED. The counts, and this job's
 * staged / imported / refused, are what migrationEnd.status shows while the Core works.
 *
 * Items never tried are staged at once (the dry run looked). A repeat (after a crash, an outage,
 * a retry) first looks: in the staged listing (then it waits for that), for a mapping of its
 * legacy id (imported: ours when our mark says we staged it, else someone migrated meanwhile),
 * for an account with its email (a conflict). So nobody is staged or imported twice.
 */
import supertokens from "supertokens-node";
import { GatehouseError } from "../../../../shared/contract/errors.ts";
import type { BulkImportProgress, MigrationEndItem } from "../../../../shared/contract/operations/migration-end.ts";
import type { DataContract } from "../../../../shared/data-contract.ts";
import type { CoreClient } from "../../../core/core-client.ts";
import { errorText } from "../../../jobs/retry.ts";
import { mapLimit } from "../../../services/concurrency.ts";
import type { RosterEntry } from "../../roster/types.ts";
import type { AccountOutcome } from "../account-sdk.ts";
import type { Mark, Marks } from "../marks.ts";
import { accountMetadata, unknownPasswordHash } from "../record.ts";
import { BULK_IMPORT_MAX, BatchRefused, importNow, listStaged, removeStaged, stageUsers, stagedCounts, type ImportUser, type StagedUser } from "./api.ts";

export interface Waiter {
  index: number;
  item: MigrationEndItem;
  entry: RosterEntry;
  mark: Mark | undefined;
  fresh: boolean;
  resolve: (outcome: AccountOutcome) => void;
  reject: (err: unknown) => void;
}

export interface BatchOptions {
  /** First wait between looks at the Core; doubled while nothing changes, up to maxPollMs. */
  pollMs: number;
  maxPollMs: number;
  /**
   * How long this job's staged users may wait without the Core's counts moving before they are
   * unstaged and imported one at a time (POST /bulk-import/import). A real Core's task runs every
   * 5 minutes, and leaves a whole chunk PROCESSING when one of its users hits an existing mapping,
   * run after run: the default waits three of its runs.
   */
  stuckMs: number;
}

export const DEFAULT_BATCH_OPTIONS: BatchOptions = { pollMs: 250, maxPollMs: 5_000, stuckMs: 15 * 60_000 };

const LOOKUP_CONCURRENCY = 16;
/** How long after the Core's counts last moved its task is taken to be at work. */
const BUSY_MS = 10_000;
const NOTE = "The Core imports staged users in a background task (every 5 minutes on a real Core, taking everything staged when it starts); this job follows its progress.";

export class JobBatch {
  private queue: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  /** Staged and not yet seen imported, by legacy id. */
  private readonly waiting = new Map<string, Waiter & { stagedId: string }>();
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private lastCounts = "";
  private changedAt = 0;
  private stopped = false;
  private readonly counts: Omit<BulkImportProgress, "staged"> = { imported: 0, refused: 0, importedAtOnce: 0, core: null, checkedAt: null, note: NOTE };

  constructor(
    private readonly jobId: string,
    private readonly core: CoreClient,
    private readonly contract: DataContract,
    private readonly marks: Marks,
    private readonly now: () => number,
    private readonly options: BatchOptions,
    private readonly saveProgress: (p: BulkImportProgress) => Promise<void>,
  ) {
    this.delay = options.pollMs;
  }

  /** This job's users staged and not imported yet, and the last look at the Core's counts. */
  progress(): BulkImportProgress {
    return { ...this.counts, staged: this.waiting.size };
  }

  /** The item's account once the Core has it (or why it is skipped). */
  account(w: Omit<Waiter, "resolve" | "reject">): Promise<AccountOutcome> {
    if (this.stopped) return Promise.reject(new GatehouseError({ code: "INTERNAL", message: "Gatehouse is stopping; the item is taken up again on the next start." }));
    return new Promise<AccountOutcome>((resolve, reject) => {
      this.queue.push({ ...w, resolve, reject });
      // Everything the runner takes up in one go lands here before the flush runs.
      if (!this.flushing) this.flushing = new Promise<void>((done) => setImmediate(() => void this.flush().finally(done)));
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const gone = new GatehouseError({ code: "INTERNAL", message: "Gatehouse stopped; the item is taken up again on the next start." });
    for (const w of [...this.queue, ...this.waiting.values()]) w.reject(gone);
    this.queue = [];
    this.waiting.clear();
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const batch = this.queue.splice(0, BULK_IMPORT_MAX);
      try {
        await this.handle(batch);
      } catch (err) {
        for (const w of batch) if (!this.waiting.has(w.item.legacyId)) w.reject(err);
      }
    }
    this.flushing = undefined;
  }

  private async handle(batch: Waiter[]): Promise<void> {
    const toStage: Waiter[] = [];
    const repeats: Waiter[] = [];
    for (const w of batch) (w.fresh && !w.mark ? toStage : repeats).push(w);
    if (repeats.length > 0) toStage.push(...(await this.lookAgain(repeats)));
    if (toStage.length > 0) await this.stage(toStage);
    this.publish();
    if (this.waiting.size > 0) this.schedule(0);
  }

  /** Repeats: on the staged listing (wait for it), imported (resolve), taken (skip), or to stage. */
  private async lookAgain(repeats: Waiter[]): Promise<Waiter[]> {
    const staged = new Map<string, StagedUser>();
    for (const u of await listStaged(this.core)) if (u.externalUserId) staged.set(u.externalUserId, u);
    const toStage: Waiter[] = [];
    await mapLimit(repeats, LOOKUP_CONCURRENCY, async (w) => {
      const there = staged.get(w.item.legacyId);
      if (there && there.status !== "FAILED") {
        this.waiting.set(w.item.legacyId, { ...w, stagedId: there.id });
        return;
      }
      if (there) await removeStaged(this.core, [there.id]); // refused before: stage it again, like a retry
      const ours = w.mark?.phase === "staging" || w.mark?.phase === "staged";
      const [mapping, users] = await this.core.sdk(() =>
        Promise.all([supertokens.getUserIdMapping({ userId: w.item.legacyId, userIdType: "EXTERNAL" }), supertokens.listUsersByAccountInfo(w.item.tenantId, { email: w.item.email })]),
      );
      if (mapping.status === "OK") {
        const record = (await this.core.metadataOf([w.item.legacyId])).get(w.item.legacyId)?.[this.contract.migrationKey] as { via?: string } | undefined;
        // Ours only if the account is the bulk import's: a sign-in may have migrated the person meanwhile.
        if (ours && record?.via === "bulk") return w.resolve({ superTokensId: mapping.superTokensUserId, created: true });
        return w.resolve({ skip: `already migrated${record?.via ? ` (via ${record.via})` : ""} before this job reached it; nothing sent` });
      }
      const other = users.find((u) => u.id !== w.item.legacyId);
      if (other) return w.resolve({ skip: `conflict: an account with this email (user ${other.id}) is not mapped to ${w.item.legacyId}; nothing created` });
      toStage.push(w);
    });
    return toStage;
  }

  private importUser(w: Waiter): ImportUser {
    const hash = w.entry.passwordHash && w.entry.hashAlgorithm ? { passwordHash: w.entry.passwordHash, hashingAlgorithm: w.entry.hashAlgorithm } : { passwordHash: unknownPasswordHash(), hashingAlgorithm: "bcrypt" };
    return {
      externalUserId: w.item.legacyId,
      userMetadata: accountMetadata(w.entry, this.contract, w.item.provider, this.now()),
      // Not primary: a primary user needs account linking, a paid feature (the Core fails the import: E019).
      loginMethods: [{ recipeId: "emailpassword", email: w.item.email, tenantIds: [w.item.tenantId], isVerified: w.item.emailVerified, isPrimary: false, ...hash }],
    };
  }

  private async stage(ws: Waiter[]): Promise<void> {
    let batch = ws;
    for (;;) {
      const users = batch.map((w) => this.importUser(w));
      // Journaled before the request: a repeat after a crash knows these may be on the Core as ours.
      await this.marks.setMany(
        this.jobId,
        batch.map((w) => ({ index: w.index, phase: "staging" })),
      );
      try {
        const { stagedIds } = await stageUsers(this.core, users);
        await this.marks.setMany(
          this.jobId,
          batch.map((w, i) => ({ index: w.index, phase: "staged", fields: { stagedId: stagedIds[i] ?? "" } })),
        );
        batch.forEach((w, i) => this.waiting.set(w.item.legacyId, { ...w, stagedId: stagedIds[i] ?? "" }));
        return;
      } catch (err) {
        if (!(err instanceof BatchRefused)) throw err;
        // Refused whole for some users: those fail with the Core's words, the rest go again.
        const rest: Waiter[] = [];
        batch.forEach((w, i) => {
          const errors = err.perUser.get(i);
          if (errors) {
            this.counts.refused += 1;
            w.reject(new GatehouseError({ code: "VALIDATION", message: `The Core's bulk import refused ${w.item.legacyId}: ${errors.join("; ")}` }));
          } else rest.push(w);
        });
        if (rest.length === 0 || rest.length === batch.length) return;
        batch = rest;
      }
    }
  }

  private schedule(ms: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll();
    }, ms);
  }

  /** One look at the Core: its counts; when they changed, which of ours are imported or refused. */
  private async poll(): Promise<void> {
    if (this.stopped || this.waiting.size === 0) return;
    try {
      const counts = await stagedCounts(this.core);
      this.counts.core = counts;
      this.counts.checkedAt = this.now();
      const key = JSON.stringify(counts);
      const changed = key !== this.lastCounts;
      if (changed) {
        this.lastCounts = key;
        this.changedAt = Date.now();
        await this.settle(counts.new + counts.processing === 0);
        // Nothing of ours left: the counts shown are the Core's as it ends, not from before the last look.
        if (this.waiting.size === 0) this.counts.core = await stagedCounts(this.core);
      }
      // While the Core's task is at work (users in PROCESSING, counts moving), look often, so the
      // links follow its progress; while it has not started (a real Core starts every 5 minutes)
      // or is stuck, back off.
      const busy = counts.processing > 0 && Date.now() - this.changedAt < BUSY_MS;
      this.delay = changed || busy ? this.options.pollMs : Math.min(this.options.maxPollMs, this.delay * 2);
      if (!changed && this.waiting.size > 0 && Date.now() - this.changedAt >= this.options.stuckMs) await this.importAtOnce();
    } catch (err) {
      // The Core is away (or answered oddly): the waiting items go back to the runner, which
      // waits for the Core and takes them up again (they find their users staged or imported).
      const waiting = [...this.waiting.values()];
      this.waiting.clear();
      for (const w of waiting) w.reject(err instanceof GatehouseError ? err : new GatehouseError({ code: "CORE_ERROR", message: errorText(err) }));
    }
    this.publish();
    if (this.waiting.size > 0) this.schedule(this.delay);
  }

  /** Ours that left the listing are imported; FAILED ones are refused (and unstaged). */
  private async settle(nothingLeftToProcess: boolean): Promise<void> {
    const listed = await listStaged(this.core, nothingLeftToProcess ? "FAILED" : undefined);
    const byExternal = new Map(listed.filter((u) => u.externalUserId).map((u) => [u.externalUserId as string, u]));
    const failed: { w: Waiter; message: string; id: string }[] = [];
    for (const [legacyId, w] of this.waiting) {
      const u = byExternal.get(legacyId);
      if (u?.status === "FAILED") failed.push({ w, message: u.errorMessage ?? "no reason given", id: u.id });
      else if (u) continue;
      this.waiting.delete(legacyId);
      if (!u) {
        this.counts.imported += 1;
        w.resolve({ superTokensId: w.stagedId, created: true });
      }
    }
    if (failed.length > 0) {
      this.counts.refused += failed.length;
      // Unstaged first, so that a retry of the item stages it afresh.
      await removeStaged(this.core, failed.map((f) => f.id));
      for (const f of failed) f.w.reject(new GatehouseError({ code: "VALIDATION", message: `The Core's bulk import failed for ${f.w.item.legacyId}: ${f.message}` }));
    }
  }

  /**
   * This job's users the Core's task has left waiting too long: unstaged, then imported one at a
   * time. One the task imported meanwhile is found by its mapping (then it is ours all the same).
   */
  private async importAtOnce(): Promise<void> {
    const stuck = new Map<string, StagedUser>();
    for (const u of await listStaged(this.core)) if (u.externalUserId && u.status !== "FAILED" && this.waiting.has(u.externalUserId)) stuck.set(u.externalUserId, u);
    await removeStaged(this.core, [...stuck.values()].map((u) => u.id));
    const ws = [...this.waiting.values()];
    this.waiting.clear();
    this.changedAt = Date.now();
    await mapLimit(ws, LOOKUP_CONCURRENCY, async (w) => {
      try {
        // Gone from the listing without our removal: the task imported it after all.
        const outcome = stuck.has(w.item.legacyId) ? await importNow(this.core, this.importUser(w)) : { ok: false as const, errors: [] };
        const mapping = await this.core.sdk(() => supertokens.getUserIdMapping({ userId: w.item.legacyId, userIdType: "EXTERNAL" }));
        if (mapping.status === "OK") {
          if (outcome.ok) this.counts.importedAtOnce += 1;
          else this.counts.imported += 1;
          return w.resolve({ superTokensId: mapping.superTokensUserId, created: true });
        }
        this.counts.refused += 1;
        w.reject(new GatehouseError({ code: "VALIDATION", message: `The Core's bulk import refused ${w.item.legacyId} when imported at once: ${outcome.ok ? "no account after the import" : outcome.errors.join("; ") || "it left the staging without an account"}` }));
      } catch (err) {
        w.reject(err);
      }
    });
  }

  private publish(): void {
    // The store closing or away: the next look publishes again.
    this.saveProgress(this.progress()).catch(() => {});
  }
}
