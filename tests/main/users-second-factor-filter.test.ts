/**
 * Filtering the users list by second-factor state: main scans the Core's pages (500 users each)
 * and keeps the users in that state, up to 5,000 users per answer, and a token continues where it
 * stopped. About 5,500 users in public (the demo's ~300 and 5,230 written into the embedded core's
 * database), with enrolled, broken and empty links spread over every page, so the scan crosses
 * many Core pages, stops at the cap, and its continuation finds the rest. What each user's state
 * truly is comes from the Core itself, read with raw CDI calls — not from Gatehouse.
 */
import { join } from "node:path";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreClient } from "../../main/core/core-client.ts";
import type { OutputOf } from "../../shared/contract/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { seedUsers, type SeededUser } from "../support/seed-users.ts";
import { coreReads } from "./helpers/core-reads.ts";
import { directCore, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const KEY = DEFAULT_DATA_CONTRACT.secondFactorUserIdKey;
const CAP = 5_000;
type State = "enrolled" | "broken" | "none";

let t: TestGatehouse;
let core: CoreClient;
/** Every public user's id in join order (oldest first), as the Core pages them. */
let oldestFirst: string[];
/** Each user's second-factor state, decided from what the Core holds. */
const truth = new Map<string, State>();
let emptyLink: SeededUser;

beforeAll(async () => {
  t = await startTestGatehouse({ embeddedCoreInMemory: false });
  core = directCore(t.coreUrl);
  const [phones, people] = [
    seedUsers(join(t.dataDir, "embedded-core.sqlite"), [{ recipe: "passwordless", count: 30, phonePrefix: "+1415556", phoneDigits: 4 }]),
    seedUsers(join(t.dataDir, "embedded-core.sqlite"), [{ recipe: "passwordless", count: 5_200, emailPrefix: "scan.", domain: "filter.test" }], { joinedFrom: Date.now() + 10_000 }),
  ];
  // Links on every page: enrolled every 173rd user, broken (a deleted phone user) every 1,000th, one empty link.
  const links: [string, string][] = [];
  people.forEach((p, i) => {
    if (i % 173 === 5) links.push([p.id, phones[links.length % phones.length]?.id ?? ""]);
    else if (i % 1_000 === 990) links.push([p.id, `deleted-phone-user-${i}`]);
  });
  emptyLink = people[7] as SeededUser;
  links.push([emptyLink.id, ""]);
  await core.sdk(() => Promise.all(links.map(([id, target]) => UserMetadata.updateUserMetadata(id, { [KEY]: target }))));

  // The truth, from the Core: users in order, their metadata in bulk, and each link's target.
  const onCore = coreReads(t.coreUrl);
  const users = await onCore.allUsers("public", "ASC");
  oldestFirst = users.map((u) => u.id);
  const metadata = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < oldestFirst.length; i += 500) for (const [id, m] of await onCore.metadataBulk(oldestFirst.slice(i, i + 500))) metadata.set(id, m);
  const targets = new Map<string, boolean>();
  for (const id of oldestFirst) {
    const link = metadata.get(id)?.[KEY];
    if (typeof link !== "string" || link === "") {
      truth.set(id, "none");
      continue;
    }
    if (!targets.has(link)) targets.set(link, ((await onCore.user(link))?.phoneNumbers.length ?? 0) > 0);
    truth.set(id, targets.get(link) ? "enrolled" : "broken");
  }
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const list = (input: { order: "oldest" | "newest"; limit: number; secondFactor: State; paginationToken?: string }): Promise<OutputOf<"users.list">> =>
  t.client.invoke("users.list", { tenantId: "public", ...input });
const inState = (ids: string[], state: State) => ids.filter((id) => truth.get(id) === state);

describe("users.list with a second-factor filter, over many Core pages", () => {
  it("has more users than one answer may scan, with every state past the cap too", () => {
    expect(oldestFirst.length).toBeGreaterThan(CAP + 500);
    for (const state of ["enrolled", "broken", "none"] as const) {
      expect(inState(oldestFirst.slice(0, CAP), state).length, state).toBeGreaterThan(0);
      expect(inState(oldestFirst.slice(CAP), state).length, state).toBeGreaterThan(0);
    }
  });

  for (const order of ["oldest", "newest"] as const) {
    for (const state of ["enrolled", "broken"] as const) {
      it(`${order} first, ${state}: stops at the 5,000-user cap with a token, and the token finds the rest`, async () => {
        const ids = order === "oldest" ? oldestFirst : [...oldestFirst].reverse();
        const first = await list({ order, limit: 500, secondFactor: state });
        expect(first.scanned).toBe(CAP);
        expect(first.nextPaginationToken).not.toBeNull();
        expect(first.rows.map((r) => r.id)).toEqual(inState(ids.slice(0, CAP), state));
        expect(first.rows.every((r) => r.secondFactor.state === state)).toBe(true);

        const rest = await list({ order, limit: 500, secondFactor: state, paginationToken: first.nextPaginationToken ?? "" });
        expect(rest.scanned).toBe(ids.length - CAP);
        expect(rest.nextPaginationToken).toBeNull();
        expect(rest.rows.map((r) => r.id)).toEqual(inState(ids.slice(CAP), state));
      });
    }
  }

  it("stops after the page that brings enough matches, keeping that whole page", async () => {
    const first = await list({ order: "oldest", limit: 500, secondFactor: "none" });
    // Page 1 (the demo's users, with their links) holds fewer than 500 users without one; page 2 completes it.
    expect(inState(oldestFirst.slice(0, 500), "none").length).toBeLessThan(500);
    expect(first.scanned).toBe(1_000);
    expect(first.rows.map((r) => r.id)).toEqual(inState(oldestFirst.slice(0, 1_000), "none"));
    const next = await list({ order: "oldest", limit: 500, secondFactor: "none", paginationToken: first.nextPaginationToken ?? "" });
    expect(next.scanned).toBe(1_000);
    expect(next.rows.map((r) => r.id)).toEqual(inState(oldestFirst.slice(1_000, 2_000), "none"));
  });

  it("counts an empty link as no second factor, as the unfiltered list and the backend kit do", async () => {
    expect(truth.get(emptyLink.id)).toBe("none");
    const page = await list({ order: "oldest", limit: 500, secondFactor: "none" });
    expect(page.rows.map((r) => r.id)).toContain(emptyLink.id);
    const broken = await list({ order: "oldest", limit: 500, secondFactor: "broken" });
    expect(broken.rows.map((r) => r.id)).not.toContain(emptyLink.id);
  });
});
