/**
 * A bulk-invite CSV holds each email to the console's one strict check (shared/email.ts, the
 * same as a single invite and the allow-lists): a comma pasted into an address or a trailing dot
 * is a per-row error naming the line and the reason, in the file reader and in the dry run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readInviteCsv } from "../../main/jobs/kinds/invites-csv.ts";
import { startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const OPTS = { defaultTenant: "public", defaultRegion: "US" };
const CSV = ["email", '"quoted,comma@example.com"', "trail@example.com.", "fine@example.com", "two words@example.com", '"say ""hi""@example.com"'].join("\n") + "\n";

describe("reading the file", () => {
  it("gives each bad address its own error with the reason; good ones stay valid", () => {
    const rows = readInviteCsv(CSV, OPTS);
    expect(rows.map((r) => [r.line, r.errors])).toEqual([
      [2, ['"quoted,comma@example.com" is not an email address: it contains ",", which an address cannot have.']],
      [3, ['"trail@example.com." is not an email address: it ends with a dot.']],
      [4, []],
      [5, ['"two words@example.com" is not an email address: it contains a space, which an address cannot have.']],
      [6, ['"say "hi"@example.com" is not an email address: it contains a space, which an address cannot have.']],
    ]);
    expect(rows[2]?.email).toBe("fine@example.com");
  });
});

describe("the dry run", () => {
  let t: TestGatehouse;
  beforeAll(async () => {
    t = await startTestGatehouse();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("names the line of each bad address and plans only the good one", async () => {
    const { job, items } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv: CSV } });
    expect(job).toMatchObject({ total: 5, valid: 1 });
    const errors = items.map((i) => i.error);
    expect(errors).toEqual([
      'line 2: "quoted,comma@example.com" is not an email address: it contains ",", which an address cannot have.',
      'line 3: "trail@example.com." is not an email address: it ends with a dot.',
      null,
      expect.stringMatching(/^line 5: .* a space/),
      expect.stringMatching(/^line 6: .* a space/),
    ]);
  });
});
