/**
 * A legacy user the end of the migration finds taken
 * when it reaches them (migrated at sign-in after the dry run, or a conflict) is skipped: nothing
 * is created for them. The job must count them as skipped, not as done: the Migration screen's
 * "N done, F failed, S skipped" and the result file's state column are what the operator reads.
 * (runItem used to return the skip as a result, so the item was journaled "done" with an
 * outcome "skipped: …".)
 */
import EmailPassword from "supertokens-node/recipe/emailpassword";
import supertokens from "supertokens-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../../main/embedded-core/index.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "../../helpers/gatehouse.ts";
import { jobWhere } from "../../jobs/helpers.ts";
import { arrayRoster, legacyUsers } from "./support.ts";

let core: RunningEmbeddedCore;
let t: TestGatehouse;
const users = legacyUsers("skip", 3);

beforeAll(async () => {
  core = await startEmbeddedCore({});
  t = await startTestGatehouse({ migrationEnd: { roster: arrayRoster(users) } });
  const profile = await t.client.invoke("profiles.create", profileInput("Skip core", [core.url]));
  await t.client.invoke("profiles.switch", { id: profile.id });
});

afterAll(async () => {
  await t?.close();
  await core?.close();
});

it("counts a user migrated between the dry run and the run as skipped, not done", async () => {
  const plan = await t.client.invoke("migrationEnd.plan", { path: "sdk", provider: "LegacyAuth" });
  const jobId = plan.job?.id ?? "";
  // skip-0001 signs in with the legacy password meanwhile: migrated, mapped to the legacy id.
  const direct = directCore(core.url);
  const up = await direct.sdk(() => EmailPassword.signUp("public", users[1]?.email ?? "", "Migrated-1"));
  if (up.status !== "OK") throw new Error(up.status);
  await direct.sdk(() => supertokens.createUserIdMapping({ superTokensUserId: up.user.id, externalUserId: users[1]?.legacyId ?? "" }));

  await t.client.invoke("jobs.start", { jobId });
  const done = await jobWhere(t.client, jobId, (j) => j.state === "completed", "the job to complete", 60_000);
  const { items } = await t.client.invoke("jobs.get", { jobId });
  const taken = items.find((i) => i.input.legacyId === users[1]?.legacyId);
  expect(taken?.result?.outcome).toMatch(/^skipped: migrated meanwhile/);
  expect(taken?.state, "the item is journaled as skipped").toBe("skipped");
  expect(done).toMatchObject({ done: 2, skipped: 1 });
});
