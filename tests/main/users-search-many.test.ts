/**
 * A users search that matches more users than the Core returns. The Core answers a search with one
 * list, ignoring the page size, with no pagination token, and keeps at most 1,000 matches per
 * sign-in method; Gatehouse pages through that list itself and says which methods were cut off.
 * 2,974 users match "many." (the case): 1,400 email-password and 1,574 Passwordless ones,
 * written into the embedded core's database file next to the demo data.
 */
import supertokens from "supertokens-node";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OutputOf } from "../../shared/contract/index.ts";
import { DEFAULT_DATA_CONTRACT as C } from "../../shared/data-contract.ts";
import { seedUsers } from "../support/seed-users.ts";
import { parseCsv } from "./helpers/csv.ts";
import { directCore, expectFailure, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

type Page = OutputOf<"users.list">;

const PREFIX = "many.";
let t: TestGatehouse;
/** What plain supertokens-node gets for the search, newest first: the users Gatehouse must page through. */
let coreAnswer: string[];

beforeAll(async () => {
  t = await startTestGatehouse({ embeddedCoreInMemory: false });
  seedUsers(join(t.dataDir, "embedded-core.sqlite"), [
    { recipe: "emailpassword", count: 1_400, emailPrefix: `${PREFIX}ep`, domain: "bulk.test" },
    { recipe: "passwordless", count: 1_574, emailPrefix: `${PREFIX}pl`, domain: "bulk.test" },
  ]);
  coreAnswer = await askCore();
}, 60_000);

async function askCore(): Promise<string[]> {
  const answer = await directCore(t.coreUrl).sdk(() => supertokens.getUsersNewestFirst({ tenantId: "public", limit: 25, query: { email: PREFIX } }));
  expect(answer.nextPaginationToken).toBeUndefined();
  return answer.users.map((u) => u.id);
}

afterAll(async () => {
  await t?.close();
});

const list = (input: { limit: number; search?: string; paginationToken?: string; order?: "newest" | "oldest"; secondFactor?: "none" }) =>
  t.client.invoke("users.list", { tenantId: "public", order: "newest", search: PREFIX, ...input });

async function allPages(limit: number, search = PREFIX): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const page = await list({ limit, search, ...(token ? { paginationToken: token } : {}) });
    pages.push(page);
    token = page.nextPaginationToken ?? undefined;
    expect(pages.length).toBeLessThan(200);
  } while (token);
  return pages;
}

describe("a search with more matches than the Core returns", () => {
  it("the Core kept 1,000 per sign-in method: 2,000 of the 2,974", () => {
    expect(coreAnswer).toHaveLength(2_000);
  });

  it("honours the page size and has a next page; says how many the Core returned and which methods it cut", async () => {
    const page = await list({ limit: 25 });
    expect(page.rows).toHaveLength(25);
    expect(page.nextPaginationToken).toEqual(expect.any(String));
    expect(page.search).toEqual({ matches: 2_000, offset: 0, capped: ["emailpassword", "passwordless"] });
    expect(page.rows.map((r) => r.id)).toEqual(coreAnswer.slice(0, 25));
  });

  it("pages through every user the Core returned, once each, in the Core's order", async () => {
    const pages = await allPages(500);
    expect(pages.map((p) => p.rows.length)).toEqual([500, 500, 500, 500]);
    expect(pages.map((p) => p.search?.offset)).toEqual([0, 500, 1_000, 1_500]);
    expect(pages.flatMap((p) => p.rows.map((r) => r.id))).toEqual(coreAnswer);
    expect(pages.at(-1)?.nextPaginationToken).toBeNull();
  });

  it("a page's token fetches the same page again (Previous works from the tokens)", async () => {
    const first = await list({ limit: 30 });
    const second = await list({ limit: 30, paginationToken: first.nextPaginationToken ?? "" });
    const again = await list({ limit: 30, paginationToken: first.nextPaginationToken ?? "" });
    expect(again.rows.map((r) => r.id)).toEqual(second.rows.map((r) => r.id));
    expect(second.rows.map((r) => r.id)).toEqual(coreAnswer.slice(30, 60));
  });

  it("oldest first pages through the same users, reversed", async () => {
    const first = await list({ limit: 100, order: "oldest" });
    const oldest = await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 100, search: PREFIX, paginationToken: first.nextPaginationToken ?? "" });
    expect([...first.rows, ...oldest.rows].map((r) => r.id)).toEqual([...coreAnswer].reverse().slice(0, 200));
  });

  it("a narrower search the Core did not cut says so: every match, no method capped", async () => {
    // "many.ep1": ep1, ep10–19, ep100–199, ep1000–1399.
    const pages = await allPages(100, `${PREFIX}ep1`);
    expect(pages).toHaveLength(6);
    expect(pages.flatMap((p) => p.rows)).toHaveLength(511);
    expect(pages[0]?.search).toEqual({ matches: 511, offset: 0, capped: [] });
  });

  it("rows on later pages carry their metadata flags", async () => {
    const flagged = coreAnswer[1_234] ?? "";
    await directCore(t.coreUrl).sdk(() => UserMetadata.updateUserMetadata(flagged, { [C.temporaryPasswordKey]: true }));
    const pages = await allPages(200);
    const third = pages[6];
    expect(third?.rows.filter((r) => r.temporaryPassword).map((r) => r.id)).toEqual([flagged]);
  });

  it("the next page starts where it would have, even when its first user was deleted meanwhile", async () => {
    const first = await list({ limit: 10 });
    const doomed = coreAnswer[10] ?? "";
    await directCore(t.coreUrl).sdk(() => supertokens.deleteUser(doomed));
    const second = await list({ limit: 10, paginationToken: first.nextPaginationToken ?? "" });
    expect(second.rows.map((r) => r.id)).toEqual(coreAnswer.slice(11, 21));
    // The Core fills the gap with the next match it had left out.
    coreAnswer = await askCore();
    expect(coreAnswer).toHaveLength(2_000);
  });

  it("refuses a token that is not one of a search, naming the field", async () => {
    const plain = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 5 });
    const error = await expectFailure(t.invoke("users.list", { tenantId: "public", order: "newest", limit: 5, search: PREFIX, paginationToken: plain.nextPaginationToken }), "VALIDATION");
    expect(error.field).toBe("paginationToken");
  });

  it("with the second-factor filter, scans the search's users and says which methods were cut", async () => {
    const page = await list({ limit: 40, secondFactor: "none" });
    expect(page.rows).toHaveLength(500); // whole scanned pages are kept
    expect(page.rows.map((r) => r.id)).toEqual(coreAnswer.slice(0, 500));
    expect(page.search?.capped).toEqual(["emailpassword", "passwordless"]);
    expect(page.nextPaginationToken).toMatch(/^search:/);
  });

  it("the export holds every user the Core returned and says it is not all of them", async () => {
    const result = await t.client.invoke("users.export", { tenantId: "public", order: "newest", search: PREFIX });
    expect(result).toMatchObject({ rows: coreAnswer.length, truncated: true, coreCapped: ["emailpassword", "passwordless"] });
    expect(parseCsv(result.csv).slice(1).map((r) => r[0])).toEqual(coreAnswer);
  });
});
