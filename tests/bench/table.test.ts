import { describe, expect, it } from "vitest";
import { formatTable, verdict, type BenchRow } from "../../bench/table.ts";

const pass: BenchRow = { measure: "last page", value: "4.00 ms", baseline: "4.00 ms", ratio: 1, maxRatio: 1.5 };

describe("bench table", () => {
  it("passes a ratio at or under the goal, fails one over it, and has no verdict without a goal", () => {
    expect(verdict(pass)).toBe("PASS");
    expect(verdict({ ...pass, ratio: 1.5 })).toBe("PASS");
    expect(verdict({ ...pass, ratio: 1.51 })).toBe("FAIL");
    expect(verdict({ ...pass, ratio: Number.NaN })).toBe("FAIL");
    expect(verdict({ ...pass, ratio: undefined })).toBe("FAIL");
    expect(verdict({ measure: "invites/s", value: "100 /s", baseline: "" })).toBe("info");
  });

  it("lines columns up, right-aligning the numbers", () => {
    const text = formatTable([pass, { measure: "invites/s, concurrency 8", value: "150 /s", baseline: "100 /s", ratio: 1.5 }]);
    const lines = text.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^measure\s+value\s+baseline\s+ratio\s+goal\s+result$/);
    expect(lines[2]).toMatch(/^last page\s+4\.00 ms\s+4\.00 ms\s+1\.00x\s+<= 1\.5x\s+PASS$/);
    expect(lines[3]).toMatch(/^invites\/s, concurrency 8\s+150 \/s\s+100 \/s\s+1\.50x\s+-\s+info$/);
    // right-aligned value column: both values end at the same offset
    expect(lines[2]!.indexOf("4.00 ms") + "4.00 ms".length).toBe(lines[3]!.indexOf("150 /s") + "150 /s".length);
  });
});
