import { describe, expect, it } from "vitest";
import { parseChildRows } from "../../bench/child.ts";

describe("rows from a child benchmark", () => {
  it("keeps the fields of each row", () => {
    const row = { measure: "users page 1", value: "9.00 ms", baseline: "8.00 ms by hand", ratio: 1.125, maxRatio: 1.5 };
    expect(parseChildRows(JSON.parse(JSON.stringify({ rows: [row] })))).toEqual([row]);
  });

  it("drops a ratio that JSON turned into null, so a goal on it fails rather than passes", () => {
    const [row] = parseChildRows(JSON.parse(JSON.stringify({ rows: [{ measure: "m", value: "1 ms", baseline: "0 ms", ratio: Infinity, maxRatio: 1.5 }] })));
    expect(row).toEqual({ measure: "m", value: "1 ms", baseline: "0 ms", maxRatio: 1.5 });
  });

  it("refuses output without rows", () => {
    expect(() => parseChildRows({})).toThrow(/rows/);
    expect(() => parseChildRows({ rows: [{ measure: "m" }] })).toThrow(/measure, value or baseline/);
  });
});
