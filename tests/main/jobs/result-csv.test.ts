/** The result file's cells: RFC 4180 quoting, the guard against spreadsheet formulas, and phones written as they are. */
import { describe, expect, it } from "vitest";
import { resultCsv } from "../../../main/jobs/result-csv.ts";
import type { JobItem } from "../../../shared/contract/operations/jobs.ts";

const item = (input: Record<string, string>): JobItem => ({ index: 0, input, state: "done", plan: null, attempts: 1, result: null, error: null, updatedAt: 0 });
const cellOf = (value: string) => resultCsv([item({ v: value })], ["v"], []).content.split("\r\n")[1]?.split(",")[1];

describe("result CSV cells", () => {
  it("writes an E.164 phone number as it is, so the file can be read back", () => {
    expect(cellOf("+14155550177")).toBe("+14155550177");
    expect(cellOf("+442071838750")).toBe("+442071838750");
  });

  it("guards what a spreadsheet would run as a formula with a leading quote", () => {
    expect(cellOf("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(cellOf("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(cellOf("+1+cmd|' /C calc'!A0")).toBe("'+1+cmd|' /C calc'!A0");
    expect(cellOf("-2+3")).toBe("'-2+3");
    expect(cellOf("+1 415 555 0177")).toBe("'+1 415 555 0177"); // not E.164: a formula start as far as a spreadsheet knows
    expect(cellOf("\tx")).toBe("'\tx");
    expect(cellOf("plain")).toBe("plain");
  });
});
