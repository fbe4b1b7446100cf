/**
 * A Core under contention, as a real Core on its in-memory database is under concurrent look-ups
 * (500 SQLITE_LOCKED_SHAREDCACHE): an HTTP proxy in front of the embedded core answers 500 to a
 * request when more than a few are already in flight, and to the first arrival of every look-up.
 * The dry run of a bulk invite still plans every row right: its reads are retried with backoff,
 * and the pace of calls to that Core comes down while it answers 5xx (core-pace.ts), and back up
 * when it copes. The pace itself is checked on its own first.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CorePace, RAISE_AFTER, paceFor } from "../../../main/core/core-pace.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../../main/embedded-core/index.ts";
import { profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";
import { startScriptedProxy, type ScriptedProxy } from "./helpers.ts";

describe("the pace of calls to one Core", () => {
  /** A request the test answers when it likes. */
  const gate = () => {
    let answer!: (v: string) => void;
    const promise = new Promise<string>((resolve) => (answer = resolve));
    return { promise, answer };
  };

  it("keeps at most `limit` requests in flight, halves the limit once per burst of 5xx, and raises it by one after RAISE_AFTER × `limit` good answers in a row", async () => {
    const pace = new CorePace(8);
    const classify = (v: string): "contention" | "ok" => (v === "500" ? "contention" : "ok");
    let inFlight = 0;
    let peak = 0;
    const call = (g: ReturnType<typeof gate>) =>
      pace.run(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        try {
          return await g.promise;
        } finally {
          inFlight -= 1;
        }
      }, classify);

    const gates = Array.from({ length: 12 }, gate);
    const calls = gates.map(call);
    await new Promise((r) => setImmediate(r));
    expect(inFlight).toBe(8);
    // The eight in flight answer 500: one cut (8 -> 4), not eight.
    for (const g of gates.slice(0, 8)) g.answer("500");
    await Promise.all(calls.slice(0, 8));
    expect(pace.limit).toBe(4);
    expect(inFlight).toBe(4); // the four queued went out, no more
    for (const g of gates.slice(8)) g.answer("ok");
    await Promise.all(calls);
    expect(pace.limit).toBe(4); // four good answers are not yet RAISE_AFTER × 4
    for (let i = 0; i < RAISE_AFTER * 4 - 4; i++) await call({ promise: Promise.resolve("ok"), answer: () => {} });
    expect(pace.limit).toBe(5);
    expect(peak).toBe(8);

    // Back to the top after enough good answers, and never above it.
    for (let i = 0; i < RAISE_AFTER * 40; i++) await call({ promise: Promise.resolve("ok"), answer: () => {} });
    expect(pace.limit).toBe(8);
    // Never below one.
    for (let i = 0; i < 10; i++) await call({ promise: Promise.resolve("500"), answer: () => {} });
    expect(pace.limit).toBe(1);
  });

  it("lets a call that failed go on to the next one in the queue", async () => {
    const pace = new CorePace(1);
    const first = pace.run(() => Promise.reject(new Error("boom")), () => "ok");
    const second = pace.run(() => Promise.resolve("fine"), () => "ok");
    await expect(first).rejects.toThrow("boom");
    await expect(second).resolves.toBe("fine");
  });
});

let core: RunningEmbeddedCore;
let proxy: ScriptedProxy;
let t: TestGatehouse;
/** More requests in flight than this and the "Core" answers 500, as the in-memory Core does. */
const CORE_COPES_WITH = 4;
const ROWS = 300;

let proxies = 0;

beforeAll(async () => {
  core = await startEmbeddedCore({ demo: true });
  t = await startTestGatehouse();
});

/**
 * Each test gets a proxy (a Core at a new address, so with a pace of its own, whatever ran
 * before) and a profile on it, in force.
 */
beforeEach(async () => {
  proxy = await startScriptedProxy(core.url);
  proxies += 1;
  const profile = await t.client.invoke("profiles.create", profileInput(`Contended core ${proxies}`, [proxy.url], { timeoutMs: 5000 }));
  await t.client.invoke("profiles.switch", { id: profile.id });
});

afterEach(async () => {
  await proxy.close();
});

afterAll(async () => {
  await t?.close();
  await core?.close();
});

const LOCKED = { status: 500, body: "[SQLITE_LOCKED_SHAREDCACHE] database table is locked" };
const csvOf = (prefix: string) => `email\n${Array.from({ length: ROWS }, (_, i) => `${prefix}.${i}@example.com`).join("\n")}\nada.lovelace@example.com\n`;

function expectRightPlan(job: { total: number; valid: number }, items: { plan: string | null }[]): void {
  expect(job).toMatchObject({ total: ROWS + 1, valid: ROWS + 1 });
  expect(items.slice(0, ROWS).every((i) => i.plan === "invite new user")).toBe(true);
  expect(items[ROWS]?.plan).toMatch(/^skip: already exists \(user .+, emailpassword\)/);
}

describe("a dry run against a Core that answers 500", () => {
  it("plans every row right when every look-up is answered 500 the first time: each is sent again", async () => {
    const seen = new Map<string, number>();
    proxy.script = (req) => {
      if (!req.path.endsWith("/users/by-accountinfo")) return {};
      const key = req.path + req.query;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return seen.get(key) === 1 ? LOCKED : {};
    };
    const { job, items } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: csvOf("refused"), dryRunOnly: true } });
    expectRightPlan(job, items);
    expect(seen.size).toBe(ROWS + 1);
    expect([...seen.values()].every((n) => n === 2)).toBe(true);
  });

  it("sends fewer look-ups at once while the Core answers 500 for too many at once, and more again once it copes", async () => {
    let contention = 0;
    // The pace creeps back up between bursts of contention, so its lowest point is what tells.
    let lowest = Infinity;
    proxy.script = (req) => {
      if (req.method !== "GET") return {};
      lowest = Math.min(lowest, paceFor(proxy.url).limit);
      if (proxy.inFlight >= CORE_COPES_WITH) {
        contention += 1;
        return LOCKED;
      }
      // A look-up takes the Core a few milliseconds, so they overlap as on a real one.
      return { delayMs: 5 };
    };
    const { job, items } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: csvOf("contended"), dryRunOnly: true } });
    expectRightPlan(job, items);
    // The dry run asks 16 look-ups at once and the Core copes with 4: sent as asked, most would
    // meet contention, over and over. Paced, few do.
    expect(contention).toBeGreaterThan(0);
    expect(contention).toBeLessThan(ROWS / 10);
    expect(lowest).toBeLessThanOrEqual(CORE_COPES_WITH);
    const lowered = paceFor(proxy.url).limit;

    proxy.script = () => ({});
    await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: csvOf("relaxed"), dryRunOnly: true } });
    expect(paceFor(proxy.url).limit).toBeGreaterThan(lowered);
  });
});
