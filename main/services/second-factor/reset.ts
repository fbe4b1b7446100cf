/**
 * The guided second-factor reset (issue 6): replace the phone or clear the enrollment, then end
 * the sessions that could carry the old phone or `2fa-completed`. Every step checks the Core
 * before it acts, and a local journal keeps what a rerun needs, so running it again after a
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
import { actionKey, type PendingReset, type ResetJournal } from "./journal.ts";
import { revokeCodes, revokeStaleSessions } from "./sessions.ts";
import { isDedicatedPhoneUser, phoneOf, readLinkState, type LinkState } from "./state.ts";

type Input = z.output<(typeof secondFactorOps)["secondFactor.reset"]["input"]>;
type Output = z.output<(typeof secondFactorOps)["secondFactor.reset"]["output"]>;

export interface ResetDeps {
  connection: () => ActiveConnection;
  journal: ResetJournal;
  now: () => number;
  /** The profile's default phone region (invite settings), for numbers typed without +. */
  defaultRegion: (profileId: string) => string;
}

const PASSTHROUGH = new Set(["CONFLICT", "VALIDATION", "NOT_FOUND", "FORBIDDEN"]);

export class SecondFactorReset {
  constructor(private readonly deps: ResetDeps) {}

  async run(input: Input): Promise<Output> {
    const { core, profile } = this.deps.connection();
    const contract = profile.contract;
    const action: SecondFactorResetAction =
      input.action.kind === "replace"
        ? { kind: "replace", phoneNumber: normalizePhone(input.action.phoneNumber, this.deps.defaultRegion(profile.id) || "US") }
        : input.action;
    const steps: ResetStep[] = [];
    const step = async <T>(name: ResetStep["step"], fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof GatehouseError && PASSTHROUGH.has(err.code)) throw err;
        const code = err instanceof GatehouseError ? err.code : "INTERNAL";
        const message = err instanceof Error ? err.message : String(err);
        const done = steps.filter((s) => s.status === "done").map((s) => s.step);
        throw new GatehouseError({
          code,
          message:
            `Step "${name}" of the second-factor reset failed: ${message} ` +
            `${done.length ? `Done before it: ${done.join(", ")}.` : "Nothing was changed in this run."} ` +
            "Run the reset again with the same choice to finish it; steps already done are not repeated.",
        });
      }
    };
    const push = (s: ResetStep) => steps.push(s);

    const read = await step("read", () => readLinkState(core, contract, input.userId));
    const userId = read.user.id;
    push({ step: "read", status: "done", detail: describe(read.state) });

    const key = actionKey(action);
    let pending = this.deps.journal.get(profile.id, userId);
    if (pending && pending.action !== key) {
      throw new GatehouseError({
        code: "CONFLICT",
        message: `An earlier reset of this user (${pending.action.replace(":", ": ")}) did not finish. Run that one again to finish it before choosing something else; nothing was changed.`,
      });
    }
    const resumed = pending !== undefined;
    const before = pending?.before ?? read.state;
    const reached = action.kind === "replace" ? read.state.state === "enrolled" && read.state.phoneNumber === action.phoneNumber : read.linkedId === undefined;
    if (!pending && !reached) pending = this.deps.journal.start(profile.id, userId, key, read.state, this.deps.now());

    const tenants = read.user.tenantIds.length ? read.user.tenantIds : ["public"];
    let oldPasswordlessUser: Output["oldPasswordlessUser"] = "none";
    let phoneAfter: string | undefined;
    const sessionIds = new Set([userId]);
    const oldId = before.state === "none" ? undefined : before.passwordlessUserId;

    if (action.kind === "replace") {
      phoneAfter = action.phoneNumber;
      await step("check-phone", () => this.checkPhone(read, action.phoneNumber, tenants, pending));
      push({ step: "check-phone", status: "done", detail: `${action.phoneNumber} is free for this user` });
      const newId = await this.replace(read, action.phoneNumber, tenants, pending, step, push, profile.id, contract.secondFactorUserIdKey);
      sessionIds.add(newId);
      if (oldId) sessionIds.add(oldId);
    } else {
      await step("unlink", async () => {
        if (read.linkedId === undefined) return push({ step: "unlink", status: "already", detail: "no second-factor link in the metadata" });
        await core.sdk(() => UserMetadata.updateUserMetadata(userId, { [contract.secondFactorUserIdKey]: null }));
        if (pending) this.deps.journal.changed(profile.id, userId, this.deps.now());
        push({ step: "unlink", status: "done", detail: `removed ${contract.secondFactorUserIdKey} (was ${read.linkedId})` });
      });
      oldPasswordlessUser = await step("delete-phone-user", () => this.deleteOld(core, oldId, action.deletePasswordlessUser, push));
      if (oldId && oldPasswordlessUser === "kept") sessionIds.add(oldId);
    }

    const cutoff = pending ? (this.deps.journal.get(profile.id, userId)?.changedAt ?? this.deps.now()) : undefined;
    const revoked = await step("revoke-sessions", async () => {
      const oldPhone = before.state === "enrolled" ? before.phoneNumber : undefined;
      if (oldPhone && oldPhone !== phoneAfter) await revokeCodes(core, oldPhone, tenants);
      return revokeStaleSessions(core, [...sessionIds], { cutoff, phoneAfter }, contract);
    });
    push({ step: "revoke-sessions", status: revoked > 0 ? "done" : "already", detail: `${revoked} session(s) ended (user and phone user)` });

    const after = (await step("read", () => readLinkState(core, contract, userId))).state;
    this.deps.journal.finish(profile.id, userId);
    return {
      userId,
      action,
      alreadyDone: !steps.some((s) => s.status === "done" && s.step !== "read" && s.step !== "check-phone"),
      resumed,
      before,
      after,
      steps,
      sessionsRevoked: revoked,
      oldPasswordlessUser,
    };
  }

  /** CONFLICT when anyone but this user's own phone user (or the one this reset created) has the phone. */
  private async checkPhone(read: LinkState, phoneNumber: string, tenants: string[], pending: PendingReset | undefined): Promise<void> {
    const { core } = this.deps.connection();
    const holders = (await core.sdk(() => Promise.all(tenants.map((t) => supertokens.listUsersByAccountInfo(t, { phoneNumber }))))).flat();
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

  /** Puts the phone in place; returns the Passwordless user that now holds it. */
  private async replace(
    read: LinkState,
    phoneNumber: string,
    tenants: string[],
    pending: PendingReset | undefined,
    step: <T>(name: ResetStep["step"], fn: () => Promise<T>) => Promise<T>,
    push: (s: ResetStep) => void,
    profileId: string,
    linkKey: string,
  ): Promise<string> {
    const { core } = this.deps.connection();
    const userId = read.user.id;
    if (read.state.state === "enrolled" && read.phoneUser) {
      const phoneUser = read.phoneUser;
      const current = read.state.phoneNumber;
      await step("update-phone", async () => {
        if (current === phoneNumber) return push({ step: "update-phone", status: "already", detail: `the phone user already has ${phoneNumber}` });
        const res = await core.sdk(() => Passwordless.updateUser({ recipeUserId: supertokens.convertToRecipeUserId(phoneUser.id), phoneNumber }));
        if (res.status === "PHONE_NUMBER_ALREADY_EXISTS_ERROR") throw new GatehouseError({ code: "CONFLICT", field: "action.phoneNumber", message: `${phoneNumber} already belongs to another user. Nothing was changed.` });
        if (res.status !== "OK") throw new GatehouseError({ code: "CORE_ERROR", message: `the Core refused the phone change (${res.status}${"reason" in res ? `: ${res.reason}` : ""}).` });
        if (pending) this.deps.journal.changed(profileId, userId, this.deps.now());
        push({ step: "update-phone", status: "done", detail: `phone user ${phoneUser.id}: ${current} → ${phoneNumber}` });
      });
      const madeEarlier = pending?.createdUserId === phoneUser.id;
      push({ step: "create-phone-user", status: madeEarlier ? "already" : "skipped", detail: madeEarlier ? `created ${phoneUser.id} in an earlier run` : "the link is healthy: the existing phone user keeps its id" });
      push({ step: "link", status: madeEarlier ? "already" : "skipped", detail: `${linkKey} → ${phoneUser.id}` });
      return phoneUser.id;
    }
    push({ step: "update-phone", status: "skipped", detail: read.state.state === "broken" ? `the link is broken (${read.state.reason}): a new phone user is created` : "not enrolled: a new phone user is created" });
    const createdId = await step("create-phone-user", async () => {
      if (pending?.createdUserId) {
        const existing = await core.sdk(() => supertokens.getUser(pending.createdUserId ?? ""));
        if (existing && phoneOf(existing) === phoneNumber) {
          push({ step: "create-phone-user", status: "already", detail: `created ${existing.id} in an earlier run` });
          return existing.id;
        }
      }
      const res = await core.sdk(() => Passwordless.signInUp({ phoneNumber, tenantId: tenants[0] ?? "public" }));
      if (!res.createdNewRecipeUser) throw new GatehouseError({ code: "CONFLICT", field: "action.phoneNumber", message: `${phoneNumber} was taken by another user a moment ago. Nothing was linked.` });
      if (pending) this.deps.journal.createdUser(profileId, userId, res.user.id);
      push({ step: "create-phone-user", status: "done", detail: `created phone user ${res.user.id} for ${phoneNumber}` });
      return res.user.id;
    });
    await step("link", async () => {
      await core.sdk(() => UserMetadata.updateUserMetadata(userId, { [linkKey]: createdId }));
      if (pending) this.deps.journal.changed(profileId, userId, this.deps.now());
      push({ step: "link", status: "done", detail: `${linkKey} → ${createdId}${read.linkedId ? ` (was ${read.linkedId})` : ""}` });
    });
    return createdId;
  }

  private async deleteOld(core: ActiveConnection["core"], oldId: string | undefined, wanted: boolean, push: (s: ResetStep) => void): Promise<"deleted" | "kept" | "none"> {
    if (!oldId) {
      push({ step: "delete-phone-user", status: "skipped", detail: "there was no phone user" });
      return "none";
    }
    if (!wanted) {
      push({ step: "delete-phone-user", status: "skipped", detail: `kept phone user ${oldId}, as chosen` });
      return "kept";
    }
    const old = await core.sdk(() => supertokens.getUser(oldId));
    if (!old) {
      push({ step: "delete-phone-user", status: "already", detail: `phone user ${oldId} does not exist (any more)` });
      return "deleted";
    }
    if (!isDedicatedPhoneUser(old)) {
      push({ step: "delete-phone-user", status: "skipped", detail: `kept ${oldId}: it is not a phone-only Passwordless user (it may be someone's own account), so it is not deleted from here` });
      return "kept";
    }
    await core.sdk(() => supertokens.deleteUser(oldId));
    push({ step: "delete-phone-user", status: "done", detail: `deleted phone user ${oldId}` });
    return "deleted";
  }
}

function describe(s: SecondFactor): string {
  if (s.state === "none") return "not enrolled";
  if (s.state === "enrolled") return `enrolled with ${s.phoneNumber} (phone user ${s.passwordlessUserId})`;
  return `broken: ${s.reason === "missing-user" ? "the linked user does not exist" : "the linked user has no phone"} (${s.passwordlessUserId})`;
}
