/**
 * Bulk import, the background task that imports staged users (Core 11.4.7's
 * ProcessBulkImportUsers cron on PostgreSQL, every 5 minutes). What the Core does was recorded
 * on the reference Core: each run takes the users NEW or PROCESSING at its start, splits them
 * into chunks of n / bulk_migration_parallelism + 1 and imports a chunk in one transaction; the
 * first conflict fails that user (E003 …) while the rest of its chunk stays PROCESSING until the
 * next run; a check that fails again at run time fails those users ("[…]"), an error not tied to
 * a user (E019) fails the whole chunk, and an external id already mapped leaves it PROCESSING.
 *
 * The embedded core's tests trigger runs themselves (core.runBulkImport) with one chunk per run;
 * against a real Core, set CORE_WAIT_FOR_CRON=1 to wait for its own task (up to 6 minutes).
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { initSdk } from "../support/sdk.ts";
import { embedded, raw } from "./helpers.ts";
import { epUser, listed, stageOk, stagedIds, tag, unstage, type StagedUserJson } from "./bulk-import-helpers.ts";

const waitForCron = !embedded && process.env.CORE_WAIT_FOR_CRON === "1";
let core: TestCore;
const toRemove: string[] = [];

beforeAll(async () => {
  // One chunk per run, so which users share a transaction is known.
  core = await startTestCore({ multitenancyLicensed: false, bulkImportIntervalMs: 0, bulkImportParallelism: 1 });
  initSdk(core.url, core.apiKey);
});

afterAll(async () => {
  if (core) await unstage(core, toRemove);
  await core?.close();
});

async function stageMine(users: Record<string, unknown>[]): Promise<string[]> {
  const ids = stagedIds(await stageOk(core, users));
  toRemove.push(...ids);
  return ids;
}

const emailOf = (user: Record<string, unknown>): string => (user.loginMethods as { email: string }[])[0]?.email ?? "";

/** Each staged id's status (and error), or "imported" once it has left the staging table. */
async function states(ids: string[]): Promise<string[]> {
  const byId = new Map((await listed(core, ids)).map((u): [string, StagedUserJson] => [u.id, u]));
  return ids.map((id) => {
    const u = byId.get(id);
    return u ? `${u.status}${u.errorMessage !== undefined ? `: ${u.errorMessage}` : ""}` : "imported";
  });
}

async function runNow(): Promise<void> {
  if (!core.runBulkImport) throw new Error("only the embedded core runs its background task on demand");
  await core.runBulkImport();
}

const duplicateOf = (email: string): Record<string, unknown> => epUser({}, { email });

describe.skipIf(!embedded)("the background task (embedded only: runs it now with runBulkImport)", () => {
  it("imports a staged user with everything, and it leaves the staging table", async () => {
    const t = tag("bg");
    const role = `role-${t}`;
    await UserRoles.createNewRoleOrAddPermissions(role, []);
    const user = epUser(
      { externalUserId: `legacy-${t}`, userMetadata: { isUsingTemporaryPassword: true }, userRoles: [{ role, tenantIds: ["public"] }] },
      { isVerified: true, timeJoinedInMSSinceEpoch: 1500000000000 },
    );
    const [id = ""] = await stageMine([user]);
    expect(await states([id])).toEqual(["NEW"]);
    await runNow();
    expect(await states([id])).toEqual(["imported"]);
    const email = emailOf(user);
    const signIn = await EmailPassword.signIn("public", email, (user.loginMethods as { plainTextPassword: string }[])[0]?.plainTextPassword ?? "");
    expect(signIn.status).toBe("OK");
    expect(signIn.status === "OK" && signIn.user).toMatchObject({ id: `legacy-${t}`, timeJoined: 1500000000000 });
    expect(await supertokens.getUserIdMapping({ userId: id, userIdType: "SUPERTOKENS" })).toMatchObject({ externalUserId: `legacy-${t}` });
    expect((await UserMetadata.getUserMetadata(`legacy-${t}`)).metadata).toEqual({ isUsingTemporaryPassword: true });
    expect((await UserRoles.getRolesForUser("public", `legacy-${t}`)).roles).toEqual([role]);
    expect(await EmailVerification.isEmailVerified(supertokens.convertToRecipeUserId(`legacy-${t}`), email)).toBe(true);
  });

  it("the first conflict fails that user; the rest of its chunk stays PROCESSING and is imported by the next run", async () => {
    const taken = epUser();
    await stageMine([taken]);
    await runNow();
    const ids = await stageMine([epUser(), duplicateOf(emailOf(taken)), epUser()]);
    await runNow();
    expect(await states(ids)).toEqual([
      "PROCESSING",
      `FAILED: E003: A user with email ${emailOf(taken)} already exists in emailpassword loginMethod.`,
      "PROCESSING",
    ]);
    await runNow();
    expect(await states(ids)).toEqual(["imported", expect.stringMatching(/^FAILED: E003/), "imported"]);
  });

  it("a check that fails at run time fails those users (errors in brackets) and leaves the rest of the chunk PROCESSING", async () => {
    const role = tag("gone");
    await UserRoles.createNewRoleOrAddPermissions(role, []);
    const ext = tag("twice");
    const first = await stageMine([epUser({ externalUserId: ext })]);
    const rest = await stageMine([epUser({ userRoles: [{ role, tenantIds: ["public"] }] }), epUser({ externalUserId: ext }), epUser()]);
    await UserRoles.deleteRole(role);
    await runNow();
    expect(await states([...first, ...rest])).toEqual([
      "PROCESSING",
      `FAILED: [Role ${role} does not exist.]`,
      `FAILED: [externalUserId ${ext} is not unique. It is already used by another user.]`,
      "PROCESSING",
    ]);
  });

  it("an error the Core ties to no user (E019, a primary user without account linking) fails the whole chunk", async () => {
    const ids = await stageMine([epUser(), epUser({}, { isPrimary: true })]);
    await runNow();
    const e019 = "FAILED: E019: Account linking feature is not enabled for this app. Please contact support to enable it.";
    expect(await states(ids)).toEqual([e019, e019]);
  });

  it("a user whose external id is mapped already stays PROCESSING, run after run, with its chunk", async () => {
    const ext = tag("mapped");
    ok200(await raw(core, "/bulk-import/import", { method: "POST", body: epUser({ externalUserId: ext }) }));
    const ids = await stageMine([epUser(), epUser({ externalUserId: ext })]);
    await runNow();
    expect(await states(ids)).toEqual(["PROCESSING", "PROCESSING"]);
    await runNow();
    expect(await states(ids)).toEqual(["PROCESSING", "PROCESSING"]);
    await unstage(core, ids);
  });

  it("chunks hold n / parallelism + 1 users: with parallelism 2, a conflict holds back only its own chunk", async () => {
    const two = await startTestCore({ bulkImportIntervalMs: 0, bulkImportParallelism: 2 });
    try {
      const taken = epUser();
      ok200(await raw(two, "/bulk-import/import", { method: "POST", body: taken }));
      const res = await raw(two, "/bulk-import/users", { method: "POST", body: { users: [epUser(), duplicateOf(emailOf(taken)), epUser(), epUser()] } });
      const ids = (JSON.parse(res.text) as { users: { loginMethods: { userId: string }[] }[] }).users.map((u) => u.loginMethods[0]?.userId);
      expect(await two.runBulkImport?.()).toEqual({ waiting: 4, imported: 1, failed: 1 });
      const list = JSON.parse((await raw(two, "/bulk-import/users")).text) as { users: StagedUserJson[] };
      const status = new Map(list.users.map((u) => [u.id, u.status]));
      // Chunks of 4 / 2 + 1 = 3: [0, 1, 2] held back by user 1, [3] imported.
      expect(ids.map((id) => status.get(id ?? "") ?? "imported")).toEqual(["PROCESSING", "FAILED", "PROCESSING", "imported"]);
    } finally {
      await two.close();
    }
  });

  it("a run takes every user waiting at its start, batch after batch (bulkImportBatchSize)", async () => {
    const small = await startTestCore({ bulkImportIntervalMs: 0, bulkImportBatchSize: 2, bulkImportParallelism: 1 });
    try {
      await raw(small, "/bulk-import/users", { method: "POST", body: { users: [epUser(), epUser(), epUser()] } });
      expect(await small.runBulkImport?.()).toEqual({ waiting: 3, imported: 3, failed: 0 });
      expect(JSON.parse((await raw(small, "/bulk-import/users/count")).text)).toEqual({ status: "OK", count: 0 });
    } finally {
      await small.close();
    }
  });
});

describe.skipIf(!embedded)("the schedule (embedded only: a core started with a short bulkImportIntervalMs)", () => {
  it("runs on its own, again and again", async () => {
    const quick = await startTestCore({ bulkImportIntervalMs: 50 });
    try {
      for (let round = 0; round < 2; round++) {
        await raw(quick, "/bulk-import/users", { method: "POST", body: { users: [epUser()] } });
        await waitFor(async () => JSON.parse((await raw(quick, "/bulk-import/users/count")).text).count === 0, 5000);
      }
    } finally {
      await quick.close();
    }
  });
});

describe.skipIf(!waitForCron)("the real Core's own background task (CORE_WAIT_FOR_CRON=1: waits up to 6 minutes)", () => {
  it("takes every staged user in one run: a conflict FAILED with E003, the others imported or PROCESSING with it", { timeout: 400_000 }, async () => {
    const taken = epUser();
    ok200(await raw(core, "/bulk-import/import", { method: "POST", body: taken }));
    const users = [epUser(), duplicateOf(emailOf(taken)), epUser()];
    const ids = await stageMine(users);
    // The conflicting user always ends its run FAILED; the others end it imported, or PROCESSING
    // when they shared its chunk (rolled back, for the next run).
    await waitFor(async () => (await states(ids))[1]?.startsWith("FAILED") ?? false, 390_000, 2000);
    const [a, dup, b] = await states(ids);
    expect(dup).toBe(`FAILED: E003: A user with email ${emailOf(taken)} already exists in emailpassword loginMethod.`);
    for (const [i, s] of [a, b].entries()) {
      expect(["imported", "PROCESSING"]).toContain(s);
      if (s === "imported") {
        const user = [users[0], users[2]][i] ?? {};
        expect((await EmailPassword.signIn("public", emailOf(user), (user.loginMethods as { plainTextPassword: string }[])[0]?.plainTextPassword ?? "")).status).toBe("OK");
      }
    }
  });
});

function ok200(res: { status: number; text: string }): void {
  expect(res.status, res.text).toBe(200);
}

/** Polls a condition (not a fixed sleep) until it holds or the time is up. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
