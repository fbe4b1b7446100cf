/**
 * The guided second-factor reset (issue 6): replace the phone or clear the enrollment, then end
 * the sessions that could carry the old phone or `2fa-completed`. It acts on the chosen user
 * alone (see plan.ts): a phone user others point at is never changed or deleted. Every check runs
 * before anything changes, and a refused check records nothing; the local journal starts right
 * before the first change on the Core and keeps what a rerun needs, so running it again after a
 * failure finishes it without doing anything twice, and running it after success changes nothing.
 */
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import type { z } from "zod";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { ResetStep, SecondFactorResetAction, secondFactorOps } from "../../../shared/contract/operations/second-factor.ts";
import type { SecondFactor } from "../../../shared/contract/schemas.ts";
import type { ActiveConnection } from "../connection.ts";
import { normalizePhone } from "../invites/normalize.ts";
import { abandonReset } from "./abandon.ts";
import { actionKey, type PendingReset, type ResetJournal } from "./journal.ts";
import { describeActionKey, describeFactor, lookAtPending } from "./pending.ts";
import { aloneOn, keepWhy, othersOn, planFor, type ResetPlan } from "./plan.ts";
import { scanPointers, type PointerScan } from "./pointers.ts";
import { revokeCodes, revokeStaleSessions } from "./sessions.ts";
import { isDedicatedPhoneUser, phoneOf, readLinkState, type LinkState, type SdkUser } from "./state.ts";

type Input = z.output<(typeof secondFactorOps)["secondFactor.reset"]["input"]>;
type Output = z.output<(typeof secondFactorOps)["secondFactor.reset"]["output"]>;
type ChangeAction = Exclude<SecondFactorResetAction, { kind: "abandon" }>;
type Step = <T>(name: ResetStep["step"], fn: () => Promise<T>) => Promise<T>;

export interface ResetDeps {
  connection: () => ActiveConnection;
  journal: ResetJournal;
  now: () => number;
  /** The profile's default phone region (invite settings), for numbers typed without +. */
  defaultRegion: (profileId: string) => string | Promise<string>;
  /** How many users the scan for other users of a phone user looks at, at most. */
  pointerScanCap?: number;
}

/** Refusals: the operation said no before changing anything, so they pass through as they are. */
const PASSTHROUGH = new Set(["CONFLICT", "VALIDATION", "NOT_FOUND", "FORBIDDEN"]);
/** Steps that change the Core. */
const CHANGES = new Set<ResetStep["step"]>(["update-phone", "create-phone-user", "link", "unlink", "delete-phone-user"]);

/** Everything one run knows, passed to its parts. */
interface Run {
  profileId: string;
  linkKey: string;
  read: LinkState;
  userId: string;
  tenants: string[];
  pending: PendingReset | undefined;
  scan: PointerScan | undefined;
  plan: ResetPlan;
  step: Step;
  push: (s: ResetStep) => void;
}

export class SecondFactorReset {
  constructor(private readonly deps: ResetDeps) {}

  async regionOf(profileId: string): Promise<string> {
    return (await this.deps.defaultRegion(profileId)) || "US";
  }

  async run(input: Input): Promise<Output> {
    const { core, profile } = this.deps.connection();
    const contract = profile.contract;
    if (input.action.kind === "abandon") return abandonReset({ core, contract, journal: this.deps.journal, profileId: profile.id }, input.userId);
    const action: ChangeAction =
      input.action.kind === "replace" ? { kind: "replace", phoneNumber: normalizePhone(input.action.phoneNumber, await this.regionOf(profile.id)) } : input.action;
    const steps: ResetStep[] = [];
    /** The user whose journal record this run started (a refusal before any change removes it). */
    let startedFor: string | undefined;
    /** The user, once read: whether a record is open for them decides what a failure message offers. */
    const seen: { userId?: string } = {};
    const step: Step = async (name, fn) => {
      try {
        return await fn();
      } catch (err) {
        const changed = steps.some((s) => s.status === "done" && CHANGES.has(s.step));
        if (err instanceof GatehouseError && PASSTHROUGH.has(err.code)) {
          // A refusal before any change leaves nothing behind to finish.
          // (A journal that cannot remove it now leaves a record of nothing: the next run sets it aside.)
          if (startedFor !== undefined && !changed) await this.deps.journal.finish(profile.id, startedFor).catch(() => {});
          throw err;
        }
        const code = err instanceof GatehouseError ? err.code : "INTERNAL";
        const message = err instanceof Error ? err.message : String(err);
        const done = steps.filter((s) => s.status === "done" && CHANGES.has(s.step)).map((s) => s.step);
        // A record open for the user (or a journal that cannot say): offer to finish or abandon it.
        const open = !changed && seen.userId !== undefined && (await this.deps.journal.get(profile.id, seen.userId).then((p) => p !== undefined, () => true));
        throw new GatehouseError({
          code,
          message:
            `Step "${name}" of the second-factor reset failed: ${message} ` +
            `${done.length ? `Changed before it: ${done.join(", ")}.` : "Nothing was changed in this run."} ` +
            (changed || open
              ? "Run the reset again with the same choice to finish it (steps already done are not repeated), or abandon it."
              : "Nothing needs finishing: run the reset again when the Core answers."),
        });
      }
    };
    const push = (s: ResetStep) => steps.push(s);

    const read = await step("read", () => readLinkState(core, contract, input.userId));
    const userId = read.user.id;
    seen.userId = userId;
    const key = actionKey(action);
    let pending = await this.deps.journal.get(profile.id, userId);
    let readDetail = describeFactor(read.state);
    if (pending) {
      const earlier = pending;
      const look = await step("read", () => lookAtPending(core, earlier, read));
      if (!look.changed) {
        // It changed nothing on the Core (refused, or stopped before its first change): nothing to finish.
        await this.deps.journal.finish(profile.id, userId);
        readDetail += `; an earlier reset (${describeActionKey(earlier.action)}) had changed nothing on the Core and was set aside`;
        pending = undefined;
      } else if (earlier.action !== key) {
        throw new GatehouseError({
          code: "CONFLICT",
          message:
            `An earlier reset of this user (${describeActionKey(earlier.action)}, started ${new Date(earlier.startedAt).toISOString()}) did not finish, and the Core shows what it did: ${look.summary}. ` +
            "Finish it (run it again with the same choice) or abandon it, then choose something else. Nothing was changed.",
        });
      }
    }
    push({ step: "read", status: "done", detail: readDetail });

    const resumed = pending !== undefined;
    const before = pending?.before ?? read.state;
    const beforeId = before.state === "none" ? undefined : before.passwordlessUserId;
    const targets = [...new Set([read.phoneUser?.id, beforeId !== read.linkedId ? beforeId : undefined].filter((id): id is string => id !== undefined))];
    const scan = targets.length
      ? await step("check-shared", () => scanPointers(core, contract.secondFactorUserIdKey, targets, { ...(this.deps.pointerScanCap ? { cap: this.deps.pointerScanCap } : {}) }))
      : undefined;
    const plan = planFor(read, scan);
    push(sharedStep(read, scan, plan));

    const run: Run = {
      profileId: profile.id,
      linkKey: contract.secondFactorUserIdKey,
      read,
      userId,
      tenants: read.user.tenantIds.length ? read.user.tenantIds : ["public"],
      pending,
      scan,
      plan,
      step,
      push,
    };
    const begin = async () => {
      if (run.pending) return;
      run.pending = await this.deps.journal.start(profile.id, userId, key, read.state, this.deps.now());
      startedFor = userId;
    };

    let oldPasswordlessUser: Output["oldPasswordlessUser"] = "none";
    let phoneAfter: string | undefined;
    /** Phone users that were this user's alone: their sessions and codes go too. */
    const ownPhoneUsers = new Set<string>();
    // The old phone user as it is before this run changes anything (a rerun may have moved the link).
    const oldUser: SdkUser | undefined =
      beforeId === undefined ? undefined : read.phoneUser?.id === beforeId ? read.phoneUser : await step("read", async () => (await core.sdk(() => supertokens.getUser(beforeId))) ?? undefined);
    const oldAlone = oldUser !== undefined && aloneOn(scan, oldUser.id, userId) && isDedicatedPhoneUser(oldUser);

    if (action.kind === "replace") {
      phoneAfter = action.phoneNumber;
      await step("check-phone", () => this.checkPhone(run, action.phoneNumber));
      push({ step: "check-phone", status: "done", detail: `${action.phoneNumber} is free for this user` });
      const reached = read.state.state === "enrolled" && read.state.phoneNumber === action.phoneNumber;
      if (!reached) await begin(); // every check passed: the first change follows
      ownPhoneUsers.add(await this.replace(run, action.phoneNumber));
      if (oldAlone && beforeId) ownPhoneUsers.add(beforeId);
    } else {
      await step("unlink", async () => {
        if (read.linkedId === undefined) return push({ step: "unlink", status: "already", detail: "no second-factor link in the metadata" });
        await begin();
        await core.sdk(() => UserMetadata.updateUserMetadata(userId, { [run.linkKey]: null }));
        await this.deps.journal.changed(profile.id, userId, this.deps.now());
        const others = othersOn(scan, read.linkedId, userId);
        push({ step: "unlink", status: "done", detail: `removed ${run.linkKey} of this user only (was ${read.linkedId})${others.length ? `; ${others.length} other user(s) keep their link to it` : ""}` });
      });
      oldPasswordlessUser = await step("delete-phone-user", () => this.deleteOld(run, beforeId, oldUser, action.deletePasswordlessUser));
      if (oldPasswordlessUser === "kept" && oldAlone && beforeId) ownPhoneUsers.add(beforeId);
    }

    const changedAt = run.pending ? ((await this.deps.journal.get(profile.id, userId))?.changedAt ?? this.deps.now()) : undefined;
    const { revoked, endedFor } = await step("revoke-sessions", () => this.endSessions(run, before, { changedAt, phoneAfter, ownPhoneUsers: [...ownPhoneUsers], oldAlone, oldUser }));
    push({
      step: "revoke-sessions",
      status: revoked > 0 ? "done" : "already",
      detail: `${revoked} session(s) ended (${endedFor.length > 1 ? `this user and ${endedFor.length - 1} other user(s) whose second factor changed` : "this user"}${ownPhoneUsers.size ? " and their phone user" : ""})`,
    });

    const after = (await step("read", () => readLinkState(core, contract, userId))).state;
    await this.deps.journal.finish(profile.id, userId);
    return {
      userId,
      action,
      alreadyDone: !steps.some((s) => s.status === "done" && CHANGES.has(s.step)) && revoked === 0,
      resumed,
      before,
      after,
      steps,
      sessionsRevoked: revoked,
      sessionsEndedFor: endedFor,
      oldPasswordlessUser,
      shared: scan ? { others: othersOn(scan, beforeId ?? read.linkedId, userId), scanned: scan.scanned, complete: scan.complete } : null,
    };
  }

  /** CONFLICT when anyone but this user's own phone user (or the one this reset created) has the phone. Reads only. */
  private async checkPhone(run: Run, phoneNumber: string): Promise<void> {
    const { core } = this.deps.connection();
    const { read, pending } = run;
    const holders = (await core.sdk(() => Promise.all(run.tenants.map((t) => supertokens.listUsersByAccountInfo(t, { phoneNumber }))))).flat();
    const own = new Set([read.phoneUser && phoneOf(read.phoneUser) ? read.phoneUser.id : undefined, pending?.createdUserId].filter((v): v is string => v !== undefined));
    const other = holders.find((u) => !own.has(u.id));
    if (other) {
      const label = [...other.emails, ...other.phoneNumbers].join(", ");
      throw new GatehouseError({
        code: "CONFLICT",
        field: "action.phoneNumber",
        message: `${phoneNumber} already belongs to another user (${other.id}${label ? `, ${label}` : ""}). Nothing was changed. Check the number with the person; two accounts cannot share a second-factor phone.`,
      });
    }
  }

  /** Puts the phone in place; returns the Passwordless user that now holds it for this user. */
  private async replace(run: Run, phoneNumber: string): Promise<string> {
    const { core } = this.deps.connection();
    const { read, plan, step, push, pending, userId, profileId, linkKey } = run;
    if (read.state.state === "enrolled" && read.phoneUser && read.state.phoneNumber === phoneNumber) {
      const id = read.phoneUser.id;
      const madeEarlier = pending?.createdUserId === id;
      push({ step: "update-phone", status: "already", detail: `phone user ${id} already has ${phoneNumber}` });
      push({ step: "create-phone-user", status: madeEarlier ? "already" : "skipped", detail: madeEarlier ? `created ${id} in an earlier run` : "the link is healthy: the phone user keeps its id" });
      push({ step: "link", status: madeEarlier ? "already" : "skipped", detail: `${linkKey} → ${id}` });
      return id;
    }
    if (plan.replaceInPlace && read.phoneUser && read.state.state === "enrolled") {
      const phoneUser = read.phoneUser;
      const current = read.state.phoneNumber;
      await step("update-phone", async () => {
        const res = await core.sdk(() => Passwordless.updateUser({ recipeUserId: supertokens.convertToRecipeUserId(phoneUser.id), phoneNumber }));
        if (res.status === "PHONE_NUMBER_ALREADY_EXISTS_ERROR") throw new GatehouseError({ code: "CONFLICT", field: "action.phoneNumber", message: `${phoneNumber} already belongs to another user. Nothing was changed.` });
        if (res.status !== "OK") throw new GatehouseError({ code: "CORE_ERROR", message: `the Core refused the phone change (${res.status}${"reason" in res ? `: ${res.reason}` : ""}).` });
        await this.deps.journal.changed(profileId, userId, this.deps.now());
        push({ step: "update-phone", status: "done", detail: `phone user ${phoneUser.id} (this user's alone): ${current} → ${phoneNumber}` });
      });
      push({ step: "create-phone-user", status: "skipped", detail: "the phone user is this user's alone: it keeps its id" });
      push({ step: "link", status: "skipped", detail: `${linkKey} → ${phoneUser.id}` });
      return phoneUser.id;
    }
    push({ step: "update-phone", status: "skipped", detail: whyNewPhoneUser(read, plan, run.scan) });
    const createdId = await step("create-phone-user", async () => {
      if (pending?.createdUserId) {
        const existing = await core.sdk(() => supertokens.getUser(pending.createdUserId ?? ""));
        if (existing && phoneOf(existing) === phoneNumber) {
          push({ step: "create-phone-user", status: "already", detail: `created ${existing.id} in an earlier run` });
          return existing.id;
        }
      }
      await this.deps.journal.creating(profileId, userId, phoneNumber);
      const res = await core.sdk(() => Passwordless.signInUp({ phoneNumber, tenantId: run.tenants[0] ?? "public" }));
      if (!res.createdNewRecipeUser) throw new GatehouseError({ code: "CONFLICT", field: "action.phoneNumber", message: `${phoneNumber} was taken by another user a moment ago. Nothing was linked.` });
      await this.deps.journal.createdUser(profileId, userId, res.user.id);
      push({ step: "create-phone-user", status: "done", detail: `created phone user ${res.user.id} for ${phoneNumber}, for this user alone` });
      return res.user.id;
    });
    await step("link", async () => {
      await core.sdk(() => UserMetadata.updateUserMetadata(userId, { [linkKey]: createdId }));
      await this.deps.journal.changed(profileId, userId, this.deps.now());
      const left = read.phoneUser && read.linkedId ? `; phone user ${read.linkedId} is left as it is` : "";
      push({ step: "link", status: "done", detail: `${linkKey} → ${createdId}${read.linkedId ? ` (was ${read.linkedId})` : ""}${left}` });
    });
    return createdId;
  }

  private async deleteOld(run: Run, oldId: string | undefined, old: SdkUser | undefined, wanted: boolean): Promise<"deleted" | "kept" | "none"> {
    const { core } = this.deps.connection();
    const { push, plan, read, scan } = run;
    if (!oldId) {
      push({ step: "delete-phone-user", status: "skipped", detail: "there was no phone user" });
      return "none";
    }
    if (!wanted) {
      push({ step: "delete-phone-user", status: "skipped", detail: `kept phone user ${oldId}, as chosen` });
      return "kept";
    }
    if (!old) {
      push({ step: "delete-phone-user", status: "already", detail: `phone user ${oldId} does not exist (any more)` });
      return "deleted";
    }
    // Decided on this phone user (which, on a rerun, may not be the one read now).
    const oldPlan = read.phoneUser?.id === oldId ? plan : planFor({ ...read, phoneUser: old }, scan);
    if (!oldPlan.clearMayDelete) {
      push({ step: "delete-phone-user", status: "skipped", detail: `kept ${oldId}, not deleted: ${keepWhy(oldPlan, scan?.scanned ?? 0)}` });
      return "kept";
    }
    await core.sdk(() => supertokens.deleteUser(oldId));
    push({ step: "delete-phone-user", status: "done", detail: `deleted phone user ${oldId} (no one else pointed at it)` });
    return "deleted";
  }

  /**
   * Ends stale sessions: this user's, their own phone user(s)', and those of anyone else whose
   * factor changed — which a reset never does itself, but an earlier (unfinished) one may have.
   */
  private async endSessions(
    run: Run,
    before: SecondFactor,
    o: { changedAt: number | undefined; phoneAfter: string | undefined; ownPhoneUsers: string[]; oldAlone: boolean; oldUser: SdkUser | undefined },
  ): Promise<{ revoked: number; endedFor: string[] }> {
    const { core, profile } = this.deps.connection();
    const contract = profile.contract;
    const oldPhone = before.state === "enrolled" ? before.phoneNumber : undefined;
    // OTP codes out for the old phone end too, unless someone else still uses that phone user.
    if (oldPhone && oldPhone !== o.phoneAfter && o.oldAlone) await revokeCodes(core, oldPhone, run.tenants);
    let revoked = await revokeStaleSessions(core, [run.userId, ...o.ownPhoneUsers], { cutoff: o.changedAt, phoneAfter: o.phoneAfter }, contract);
    const endedFor = [run.userId];
    if (before.state !== "none") {
      // The old phone user as this run found it: a change there was an earlier run's doing.
      const phoneNow = phoneOf(o.oldUser);
      if (phoneNow !== oldPhone) {
        for (const other of othersOn(run.scan, before.passwordlessUserId, run.userId)) {
          revoked += await revokeStaleSessions(core, [other.userId], { cutoff: o.changedAt, phoneAfter: phoneNow }, contract);
          endedFor.push(other.userId);
        }
      }
    }
    return { revoked, endedFor };
  }
}

function whyNewPhoneUser(read: LinkState, plan: ResetPlan, scan: PointerScan | undefined): string {
  if (read.state.state === "none") return "not enrolled: a new phone user is created";
  if (read.state.state === "broken") return `the link is broken (${read.state.reason}): a new phone user is created`;
  return `phone user ${read.linkedId} is not changed (${keepWhy(plan, scan?.scanned ?? 0)}): this user gets a new phone user of their own`;
}

function sharedStep(read: LinkState, scan: PointerScan | undefined, plan: ResetPlan): ResetStep {
  if (!scan || !read.linkedId) return { step: "check-shared", status: "skipped", detail: read.linkedId ? `the linked user ${read.linkedId} does not exist` : "no phone user to share" };
  if (plan.others.length) return { step: "check-shared", status: "done", detail: `${plan.others.length} other user(s) point at phone user ${read.linkedId}: ${plan.others.map((o) => o.label).join("; ")}; it is left as it is for them` };
  if (!scan.complete) return { step: "check-shared", status: "done", detail: `no one else found pointing at ${read.linkedId} in the first ${scan.scanned} users (the scan stops there), so it is treated as possibly shared` };
  return { step: "check-shared", status: "done", detail: `no one else points at phone user ${read.linkedId} (${scan.scanned} users looked at)` };
}
