/**
 * Filtering the users list by second-factor state: main scans the Core's pages and keeps the
 * users in that state, and the answer matches what the unfiltered list says about each user.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserRow } from "../../shared/contract/schemas.ts";
import { startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

let t: TestGatehouse;
let all: UserRow[] = [];

beforeAll(async () => {
  t = await startTestGatehouse();
  all = (await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 500 })).rows;
});
afterAll(() => t?.close());

describe("users.list with a second-factor filter", () => {
  for (const state of ["enrolled", "broken", "none"] as const) {
    it(`keeps exactly the ${state} users, in the list's order`, async () => {
      const filtered = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 500, secondFactor: state });
      const expected = all.filter((r) => r.secondFactor.state === state).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(filtered.rows.map((r) => r.id)).toEqual(expected);
      expect(filtered.scanned).toBe(all.length);
      expect(filtered.nextPaginationToken).toBeNull();
    });
  }

  it("keeps whole Core pages: a small limit still answers with every match of the page scanned", async () => {
    const enrolled = all.filter((r) => r.secondFactor.state === "enrolled").map((r) => r.id);
    const first = await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 1, secondFactor: "enrolled" });
    expect(first.rows.length).toBeGreaterThanOrEqual(1);
    expect(first.rows.every((r) => r.secondFactor.state === "enrolled")).toBe(true);
    // The demo public tenant fits in one Core page of 500, so one page is scanned and nothing is left.
    expect(first.scanned).toBe(all.length);
    expect(new Set(first.rows.map((r) => r.id))).toEqual(new Set(enrolled));
  });
});
