/**
 * Two consoles editing one allow-list at once, for real: two Gatehouse processes (each with its
 * own supertokens-node, store and Core transport) on one Core, round after round. Through
 * allowlists.apply no entry is lost; the seed's own read-append-write, sent by the same two
 * processes through the same Core client in the same rounds, loses entries — so the rounds do
 * overlap, and the first result means something. And a console that dies holding the lease
 * blocks the others only until the lease runs out on their clock.
 */
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LEASE_MS, lockIdFor } from "../../main/services/allowlists/lease.ts";
import { listVersion } from "../../main/services/allowlists/service.ts";
import type { Envelope } from "../../shared/contract/errors.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { startConsoleProcess, type ConsoleProcess } from "./helpers/consoles.ts";
import { startHttpTap, type HttpTap } from "./helpers/http-tap.ts";
import { directCore, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const ROUNDS = 20;
const LIST = "emailAllowList:acme";

let t: TestGatehouse;
let consoles: ConsoleProcess[] = [];

const core = () => directCore(t.coreUrl);
const metadataOf = async (id: string) => (await core().sdk(() => UserMetadata.getUserMetadata(id))).metadata;
const listOf = async (id: string) => ((await metadataOf(id)).allowList as string[] | undefined) ?? [];
const setList = (id: string, update: Record<string, unknown>) => core().sdk(() => UserMetadata.updateUserMetadata(id, update as never));

function valueOf<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

beforeAll(async () => {
  t = await startTestGatehouse();
  consoles = await Promise.all([startConsoleProcess(t.coreUrl, "console-a"), startConsoleProcess(t.coreUrl, "console-b")]);
}, 60_000);

afterAll(async () => {
  for (const c of consoles) await c.close();
  await t?.close();
});

describe("two Gatehouse processes on one Core", () => {
  it(`lose no add and keep no remove over ${ROUNDS} rounds of applies at once`, async () => {
    const [a, b] = consoles as [ConsoleProcess, ConsoleProcess];
    const doomed = Array.from({ length: ROUNDS }, (_, r) => `doomed-${r}@acme.test`);
    await setList(LIST, { allowList: ["keep@acme.test", ...doomed], owner: "app" });
    for (let r = 0; r < ROUNDS; r++) {
      const expectedVersion = listVersion(await listOf(LIST));
      const apply = (c: ConsoleProcess, add: string, remove: string[]) =>
        c.request({ kind: "invoke", op: "allowlists.apply", input: { tenantId: "acme", kind: "email", add: [add], remove, expectedVersion } });
      const [fromA, fromB] = (await Promise.all([apply(a, `a-${r}@acme.test`, [doomed[r] ?? ""]), apply(b, `b-${r}@acme.test`, [])])).map((e) =>
        valueOf<OutputOf<"allowlists.apply">>(e),
      );
      // Both started from the same list: the one that went second saw the other's write and merged it.
      expect([fromA?.concurrentChange, fromB?.concurrentChange].filter(Boolean), `round ${r}`).toHaveLength(1);
    }
    const final = await metadataOf(LIST);
    const list = final.allowList as string[];
    expect(final.owner).toBe("app");
    for (let r = 0; r < ROUNDS; r++) {
      expect(list).toContain(`a-${r}@acme.test`);
      expect(list).toContain(`b-${r}@acme.test`);
    }
    for (const d of doomed) expect(list).not.toContain(d);
    expect(list).toHaveLength(1 + 2 * ROUNDS);
    expect(new Set(list).size).toBe(list.length);
    expect(await metadataOf(lockIdFor(LIST)), "every lease was given back").toEqual({});
  }, 120_000);

  it(`lose entries when they write the seed's way (read, append, write) in the same rounds`, async () => {
    const [a, b] = consoles as [ConsoleProcess, ConsoleProcess];
    await setList(LIST, { allowList: [] });
    for (let r = 0; r < ROUNDS; r++) {
      const add = (c: ConsoleProcess, entry: string) => c.request({ kind: "naive-add", metadataId: LIST, entry });
      for (const e of await Promise.all([add(a, `a-${r}@acme.test`), add(b, `b-${r}@acme.test`)])) valueOf(e);
    }
    const lost = 2 * ROUNDS - (await listOf(LIST)).length;
    expect(lost, "entries the naive write lost").toBeGreaterThan(0);
  }, 120_000);
});

describe("a console that dies holding the lease", () => {
  let tap: HttpTap | undefined;
  let doomed: ConsoleProcess | undefined;
  let survivor: TestGatehouse | undefined;
  let survivorTap: HttpTap | undefined;

  afterAll(async () => {
    await doomed?.close();
    await survivor?.close();
    await tap?.close();
    await survivorTap?.close();
  });

  it("blocks the others until the lease runs out on their clock, then they finish and clear its flag", async () => {
    const id = "phoneNumberAllowList:acme";
    await setList(id, { allowList: ["+14155550100"] });
    // The doomed console reaches the Core through a tap that holds its first read of the list:
    // by then it holds the lease. Then it is killed.
    tap = await startHttpTap(t.coreUrl);
    const holding = tap.holdNext((req) => req.method === "GET" && req.path === "/recipe/user/metadata" && req.query.get("userId") === id);
    doomed = await startConsoleProcess(tap.url, "doomed-console");
    void doomed.request({ kind: "invoke", op: "allowlists.apply", input: { tenantId: "acme", kind: "phone", add: ["+14155550177"], remove: [] } });
    await holding;
    await doomed.kill();
    const flags = await metadataOf(lockIdFor(id));
    expect(Object.keys(flags), "the dead console's flag is in the lock record").toHaveLength(1);

    // A console whose clock the test moves (its own tap counts its looks at the lock record).
    // It keeps trying while the flag is live…
    let offset = 0;
    survivorTap = await startHttpTap(t.coreUrl);
    survivor = await startTestGatehouse({ embeddedCore: false, now: () => Date.now() + offset });
    const profile = await survivor.client.invoke("profiles.create", profileInput("Survivor", [survivorTap.url]));
    await survivor.client.invoke("profiles.switch", { id: profile.id });
    const looks = () => survivorTap?.seen.filter((r) => r.method === "GET" && r.query.get("userId") === lockIdFor(id)).length ?? 0;
    let settled = false;
    const applied = survivor.client.invoke("allowlists.apply", { tenantId: "acme", kind: "phone", add: ["+14155550188"], remove: [] }).finally(() => (settled = true));
    await expect.poll(looks, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    expect(settled).toBe(false);
    expect(await listOf(id)).toEqual(["+14155550100"]);

    // …and goes ahead once the flag is older than the lease.
    offset = DEFAULT_LEASE_MS + 1;
    const result = await applied;
    expect(result).toMatchObject({ added: ["+14155550188"], list: ["+14155550100", "+14155550188"] });
    expect(await listOf(id)).toEqual(["+14155550100", "+14155550188"]);
    expect(await metadataOf(lockIdFor(id)), "the dead console's flag is cleared with the survivor's").toEqual({});
  }, 60_000);
});
