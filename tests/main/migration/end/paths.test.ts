/**
 * Which path the end of the migration takes is what the Core offers: a Core that refuses the bulk
 * import (a real Core on its in-memory database answers every bulk-import API with 400 "This API is
 * not supported in the in-memory database."; Cores before 9 answer 404) gets the supertokens-node
 * path, with the Core's reason shown; asking for the bulk import there is refused with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../../main/embedded-core/index.ts";
import { expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "../../helpers/gatehouse.ts";
import { startScriptedProxy, type ScriptedProxy } from "../../jobs/helpers.ts";
import { arrayRoster, legacyUsers } from "./support.ts";

const IN_MEMORY = "This API is not supported in the in-memory database.";
let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let t: TestGatehouse;

beforeAll(async () => {
  core = await startEmbeddedCore({});
  proxy = await startScriptedProxy(core.url);
  t = await startTestGatehouse({ migrationEnd: { roster: arrayRoster(legacyUsers("paths", 3)) } });
  const profile = await t.client.invoke("profiles.create", profileInput("Picky core", [proxy.url]));
  await t.client.invoke("profiles.switch", { id: profile.id });
});

afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await core?.close();
});

describe("the path the Core offers", () => {
  it("a Core on its in-memory database: the supertokens-node path, with the Core's reason", async () => {
    proxy.script = (r) => (r.path.startsWith("/bulk-import/") ? { status: 400, body: IN_MEMORY } : {});
    expect(await t.client.invoke("migrationEnd.capabilities", {})).toEqual({ bulkImport: { available: false, reason: `The Core refuses the bulk import: ${IN_MEMORY}` }, path: "sdk" });
    const plan = await t.client.invoke("migrationEnd.plan", { dryRunOnly: true });
    expect(plan).toMatchObject({ path: "sdk", job: { kind: "migration.end", state: "cancelled" }, counts: { accounts: 3 } });
    expect(plan.pathReason).toContain(IN_MEMORY);
    const refused = await expectFailure(t.invoke("migrationEnd.plan", { path: "bulk-import" }), "CONFLICT");
    expect(refused.message).toContain(IN_MEMORY);
    expect(refused.message).toContain('path "sdk"');
  });

  it("a Core without the bulk import (404): the supertokens-node path", async () => {
    proxy.script = (r) => (r.path.startsWith("/bulk-import/") ? { status: 404, body: "Not found" } : {});
    const capabilities = await t.client.invoke("migrationEnd.capabilities", {});
    expect(capabilities).toMatchObject({ bulkImport: { available: false }, path: "sdk" });
    expect(capabilities.bulkImport.reason).toMatch(/no bulk import \(404/);
  });

  it("a Core that offers it: the bulk import, unless the admin asks for the other path", async () => {
    proxy.script = () => ({});
    expect((await t.client.invoke("migrationEnd.capabilities", {})).path).toBe("bulk-import");
    expect((await t.client.invoke("migrationEnd.plan", { dryRunOnly: true })).job?.kind).toBe("migration.endBulk");
    expect((await t.client.invoke("migrationEnd.plan", { path: "sdk", dryRunOnly: true })).job?.kind).toBe("migration.end");
  });
});
