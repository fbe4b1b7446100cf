/**
 * Allow-lists (seed 02) through the dispatcher on the embedded core's demo data: flags, preview
 * and impact, apply in the seed's format, per-tenant ids, CSV import and export, roles. Two
 * consoles at once: allowlists-consoles.test.ts; the Core vanishing mid-apply: core-vanishes.test.ts.
 */
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDemoDataSet } from "../../main/embedded-core/demo/data-set.ts";
import { parseCsv } from "./helpers/csv.ts";
import { directCore, expectFailure, profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const demo = buildDemoDataSet();
const demoList = (id: string): string[] => (demo.syntheticMetadata.find((m) => m.userId === id)?.metadata.allowList as string[] | undefined) ?? [];

let t: TestGatehouse;
const metadataOf = async (id: string) => (await directCore(t.coreUrl).sdk(() => UserMetadata.getUserMetadata(id))).metadata;

beforeAll(async () => {
  t = await startTestGatehouse();
});

afterAll(async () => {
  await t?.close();
});

describe("reading an allow-list", () => {
  it("flags the demo email list: the entry the guard can never match, and who has an account", async () => {
    const list = await t.client.invoke("allowlists.get", { tenantId: "public", kind: "email" });
    expect(list.metadataId).toBe("emailAllowList");
    expect(list.entries.map((e) => e.value)).toEqual(demoList("emailAllowList"));
    const mixed = list.entries.find((e) => e.value === "  Mixed.Case@Example.com ");
    expect(mixed).toMatchObject({ normalised: "mixed.case@example.com", flags: ["not-normalised"], account: null });
    expect(mixed?.message).toContain("never matches");
    // The first four are existing passwordless users of public; the invitees-to-be have no account.
    for (const e of list.entries.slice(0, 4)) expect(e, e.value).toMatchObject({ flags: [], account: { passwordless: true } });
    expect(list.entries.find((e) => e.value === "new.hire@example.com")).toMatchObject({ flags: [], account: null });
    expect(list.malformed).toBeNull();
    expect(list.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it("flags a phone that is no phone number in the default region, and reads it with another region", async () => {
    const us = await t.client.invoke("allowlists.get", { tenantId: "public", kind: "phone" });
    expect(us.metadataId).toBe("phoneNumberAllowList");
    expect(us.entries.find((e) => e.value === "020 7946 0000")).toMatchObject({ flags: ["invalid"], normalised: null });
    expect(us.entries.find((e) => e.value === "+14155550188")).toMatchObject({ flags: [], normalised: "+14155550188", account: null });
    expect(us.entries.slice(0, 3).every((e) => e.account !== null)).toBe(true);
    const gb = await t.client.invoke("allowlists.get", { tenantId: "public", kind: "phone", defaultRegion: "gb" });
    expect(gb.entries.find((e) => e.value === "020 7946 0000")).toMatchObject({ flags: ["not-normalised"], normalised: "+442079460000" });
  });

  it("uses the tenant's own id for other tenants", async () => {
    const acme = await t.client.invoke("allowlists.get", { tenantId: "acme", kind: "email" });
    expect(acme.metadataId).toBe("emailAllowList:acme");
    expect(acme.entries.map((e) => e.value)).toEqual(["joiner@acme.test", "intern@acme.test"]);
    const acmePhones = await t.client.invoke("allowlists.get", { tenantId: "acme", kind: "phone" });
    expect(acmePhones).toMatchObject({ metadataId: "phoneNumberAllowList:acme", entries: [] });
  });

  it("flags duplicates by their normal form", async () => {
    await directCore(t.coreUrl).sdk(() => UserMetadata.updateUserMetadata("phoneNumberAllowList:acme", { allowList: ["+14155550100", "+1 415 555 0100", "+14155550100"] }));
    const { entries } = await t.client.invoke("allowlists.get", { tenantId: "acme", kind: "phone" });
    expect(entries.map((e) => e.flags)).toEqual([[], ["not-normalised", "duplicate"], ["duplicate"]]);
  });
});

describe("previewing a change", () => {
  it("normalises entries and reports the impact before anything is saved", async () => {
    const [withAccount, alsoWithAccount] = demoList("emailAllowList");
    const existingUser = demo.users.find((u) => u.tenantIds.includes("public") && u.row.email !== null && !demoList("emailAllowList").includes(u.row.email))?.row.email ?? "";
    const before = await metadataOf("emailAllowList");
    const preview = await t.client.invoke("allowlists.preview", {
      tenantId: "public",
      kind: "email",
      add: ["  Bob@Example.COM ", "bob@example.com", "not-an-email", existingUser.toUpperCase(), "new.hire@example.com"],
      remove: [withAccount ?? "", alsoWithAccount ?? "", "contractor@partner.test", "nobody@nowhere.test"],
    });
    expect(preview.add).toEqual(["bob@example.com", existingUser]);
    expect(preview.remove).toEqual([withAccount, alsoWithAccount, "contractor@partner.test"]);
    const byEntry = Object.fromEntries(preview.items.map((i) => [`${i.action}:${i.entry}`, i]));
    expect(byEntry["add:  Bob@Example.COM "]).toMatchObject({ value: "bob@example.com", outcome: "new", account: null });
    expect(byEntry["add:bob@example.com"]).toMatchObject({ outcome: "duplicate" });
    expect(byEntry["add:not-an-email"]).toMatchObject({ outcome: "invalid", value: null });
    expect(byEntry["add:new.hire@example.com"]).toMatchObject({ outcome: "already-listed" });
    expect(byEntry["remove:nobody@nowhere.test"]).toMatchObject({ outcome: "not-listed" });
    expect(preview.errors).toEqual([{ entry: "not-an-email", line: null, message: '"not-an-email" is not an email address: it has no @' }]);
    expect(preview.impact).toMatchObject({
      newEntries: 2,
      addedWithAccounts: [existingUser],
      removedWithAccounts: [withAccount, alsoWithAccount],
      removed: 3,
      duplicates: 1,
      noOps: 2,
      invalid: 1,
    });
    expect(preview.notes.join(" ")).toContain("Removing does not lock existing users out");
    expect(preview.after).toEqual([...demoList("emailAllowList").filter((v) => !preview.remove.includes(v)), "bob@example.com", existingUser]);
    expect(await metadataOf("emailAllowList"), "a preview changes nothing").toEqual(before);
  });

  it("writes phones in E.164 with the request's default region, and names bad ones", async () => {
    const preview = await t.client.invoke("allowlists.preview", {
      tenantId: "public",
      kind: "phone",
      add: ["(415) 555-0199", "+44 20 7946 0001", "12", "call me"],
      remove: ["020 7946 0000"],
    });
    expect(preview.add).toEqual(["+14155550199", "+442079460001"]);
    expect(preview.remove, "an invalid stored entry is removed by its exact text").toEqual(["020 7946 0000"]);
    expect(preview.errors.map((e) => e.entry)).toEqual(["12", "call me"]);
    expect(preview.errors[0]?.message).toContain('"12" is not a');
    const gb = await t.client.invoke("allowlists.preview", { tenantId: "public", kind: "phone", add: ["020 7946 0001"], remove: [], defaultRegion: "GB" });
    expect(gb.add).toEqual(["+442079460001"]);
  });
});

describe("applying a change", () => {
  it("writes the seed's format under the list's id and leaves other metadata keys alone", async () => {
    await directCore(t.coreUrl).sdk(() => UserMetadata.updateUserMetadata("emailAllowList", { note: "kept by the app" }));
    const { version } = await t.client.invoke("allowlists.get", { tenantId: "public", kind: "email" });
    const result = await t.client.invoke("allowlists.apply", {
      tenantId: "public",
      kind: "email",
      add: ["  Carol@Example.com", "new.hire@example.com"],
      remove: ["contractor@partner.test", "mixed.case@example.com", "ghost@example.com"],
      expectedVersion: version,
    });
    const expected = [...demoList("emailAllowList").filter((v) => v !== "contractor@partner.test" && v !== "  Mixed.Case@Example.com "), "carol@example.com"];
    expect(result).toMatchObject({
      metadataId: "emailAllowList",
      list: expected,
      added: ["carol@example.com"],
      removed: ["contractor@partner.test", "  Mixed.Case@Example.com "],
      alreadyListed: ["new.hire@example.com"],
      notListed: ["ghost@example.com"],
      concurrentChange: false,
      attempts: 1,
    });
    expect(await metadataOf("emailAllowList")).toEqual({ note: "kept by the app", allowList: expected });
    const entries = await t.auditEntries();
    expect(entries.at(-1)).toMatchObject({ operation: "allowlists.apply", target: "email allow-list of public", outcome: "ok" });
  });

  it("says when the list changed since it was read, and merges instead of overwriting", async () => {
    const { version } = await t.client.invoke("allowlists.get", { tenantId: "acme", kind: "email" });
    await t.client.invoke("allowlists.apply", { tenantId: "acme", kind: "email", add: ["other.console@acme.test"], remove: [] });
    const result = await t.client.invoke("allowlists.apply", { tenantId: "acme", kind: "email", add: ["mine@acme.test"], remove: ["intern@acme.test"], expectedVersion: version });
    expect(result.concurrentChange).toBe(true);
    expect(result.list).toEqual(["joiner@acme.test", "other.console@acme.test", "mine@acme.test"]);
    expect(await metadataOf("emailAllowList:acme")).toEqual({ allowList: result.list });
    expect(await metadataOf("emailAllowList"), "the public list is another list").not.toHaveProperty("allowList", result.list);
  });

  it("holds emails to the same strict check as invites: a pasted comma or a trailing dot is refused, and flagged where stored", async () => {
    const preview = await t.client.invoke("allowlists.preview", { tenantId: "acme", kind: "email", add: ["quoted,comma@example.com", "trail@example.com.", "fine@example.com"], remove: [] });
    expect(preview.add).toEqual(["fine@example.com"]);
    expect(preview.errors.map((e) => e.message)).toEqual([
      '"quoted,comma@example.com" is not an email address: it contains ",", which an address cannot have',
      '"trail@example.com." is not an email address: it ends with a dot',
    ]);
    const before = await metadataOf("emailAllowList:acme");
    await expectFailure(t.invoke("allowlists.apply", { tenantId: "acme", kind: "email", add: ["trail@example.com."], remove: [] }), "VALIDATION");
    expect(await metadataOf("emailAllowList:acme")).toEqual(before);

    // Written by older tooling: flagged as an entry the guard can never use.
    await directCore(t.coreUrl).sdk(() => UserMetadata.updateUserMetadata("emailAllowList:acme", { allowList: ["trail@example.com.", "ok@example.com"] }));
    try {
      const stored = await t.client.invoke("allowlists.get", { tenantId: "acme", kind: "email" });
      expect(stored.entries.map((e) => [e.value, e.flags])).toEqual([
        ["trail@example.com.", ["invalid"]],
        ["ok@example.com", []],
      ]);
    } finally {
      await directCore(t.coreUrl).sdk(() => UserMetadata.updateUserMetadata("emailAllowList:acme", before));
    }
  });

  it("refuses invalid entries whole, naming them, and changes nothing", async () => {
    const before = await metadataOf("emailAllowList:acme");
    const error = await expectFailure(t.invoke("allowlists.apply", { tenantId: "acme", kind: "email", add: ["ok@acme.test", "nope"], remove: [] }), "VALIDATION");
    expect(error.message).toContain('"nope" is not an email address');
    expect(error.message).toContain("Nothing was changed");
    expect(await metadataOf("emailAllowList:acme")).toEqual(before);
  });

  it("refuses to overwrite metadata that is not a list of strings", async () => {
    await directCore(t.coreUrl).sdk(() => UserMetadata.updateUserMetadata("phoneNumberAllowList:acme", { allowList: { oops: true } }));
    const got = await t.client.invoke("allowlists.get", { tenantId: "acme", kind: "phone" });
    expect(got.malformed).toContain("not a list of strings");
    await expectFailure(t.invoke("allowlists.apply", { tenantId: "acme", kind: "phone", add: ["+14155550111"], remove: [] }), "CONFLICT");
    expect(await metadataOf("phoneNumberAllowList:acme")).toEqual({ allowList: { oops: true } });
  });
});

describe("CSV import and export", () => {
  const importCsv = (csv: string, mode: "add" | "replace" = "add", kind: "email" | "phone" = "email") => t.client.invoke("allowlists.import", { tenantId: "acme", kind, csv, mode });

  it("reads a BOM, semicolons, quotes and CRLF, and reports bad rows with their line numbers", async () => {
    const csv = '\uFEFFname;email;team\r\n"Doe; Jane";"  Jane.Doe@Acme.test ";ops\r\n\r\nBad;not-an-email;x\r\nEmpty;;x\r\n"Multi\r\nLine";multi@acme.test;x\r\nJoiner;joiner@acme.test;x\r\n';
    const preview = await importCsv(csv);
    expect(preview.fileErrors).toEqual([]);
    expect(preview.rows).toBe(5);
    expect(preview.add).toEqual(["jane.doe@acme.test", "multi@acme.test"]);
    expect(preview.items.find((i) => i.entry === "joiner@acme.test")).toMatchObject({ outcome: "already-listed", line: 8 });
    expect(preview.items.find((i) => i.value === "multi@acme.test")?.line).toBe(6);
    expect(preview.errors).toEqual([
      { entry: "not-an-email", line: 4, message: 'Line 4: "not-an-email" is not an email address: it has no @' },
      { entry: "Empty,,x", line: 5, message: "Line 5: the email cell is empty" },
    ]);
  });

  it("takes a single unnamed column, tabs, and a phone header", async () => {
    expect((await importCsv("a@acme.test\nb@acme.test\n")).add).toEqual(["a@acme.test", "b@acme.test"]);
    const phones = await importCsv("name\tphoneNumber\nAda\t+1 415 555 0142\n", "add", "phone");
    expect(phones.add).toEqual(["+14155550142"]);
  });

  it("says what it expected when the header or the column is missing", async () => {
    const noColumn = await importCsv("name,team\nJane,ops\n");
    expect(noColumn.fileErrors[0]).toContain('no email column among "name", "team"');
    expect(noColumn.fileErrors[0]).toContain('Expected a header row with an "email" column');
    expect(noColumn.items).toEqual([]);
    expect((await importCsv("phone\n+14155550100\n")).fileErrors[0]).toContain('has a "phone" column, but this is the email allow-list');
    expect((await importCsv("\uFEFF\r\n\r\n")).fileErrors[0]).toContain("The file has no rows");
  });

  it("refuses a file over 50 MB with its size", async () => {
    const big = "email\n" + "someone@example.com\n".repeat(2_700_000);
    const preview = await importCsv(big);
    expect(preview.fileErrors).toEqual(["The file is 51.5 MB; the limit is 50 MB. Split it into smaller files."]);
  });

  it("previews a replace (with who keeps signing in), which apply then makes", async () => {
    const before = (await t.client.invoke("allowlists.get", { tenantId: "public", kind: "email" })).entries.map((e) => e.value);
    const preview = await t.client.invoke("allowlists.import", { tenantId: "public", kind: "email", csv: "email\nnew.hire@example.com\nDave@Example.com\n", mode: "replace" });
    expect(preview.add).toEqual(["dave@example.com"]);
    expect(preview.remove).toEqual(before.filter((v) => v !== "new.hire@example.com"));
    expect(preview.impact.removedWithAccounts.length).toBeGreaterThan(0);
    expect(preview.notes[0]).toContain("Removing does not lock existing users out");
    const applied = await t.client.invoke("allowlists.apply", { tenantId: "public", kind: "email", add: preview.add, remove: preview.remove, expectedVersion: preview.version });
    expect(applied.list).toEqual(["new.hire@example.com", "dave@example.com"]);
  });

  it("exports the list as stored", async () => {
    await directCore(t.coreUrl).sdk(() => UserMetadata.updateUserMetadata("emailAllowList:acme", { allowList: ["a@acme.test", "  Odd, Entry@acme.test "] }));
    const out = await t.client.invoke("allowlists.export", { tenantId: "acme", kind: "email" });
    expect(out.filename).toBe("email-allow-list-acme.csv");
    expect(out.count).toBe(2);
    expect(parseCsv(out.csv)).toEqual([["email"], ["a@acme.test"], ["  Odd, Entry@acme.test "]]);
  });
});

describe("roles", () => {
  it("lets an auditor read, preview and export, but not apply", async () => {
    const auditor = await t.client.invoke("profiles.create", profileInput("Auditor desk", [t.coreUrl], { role: "auditor" }));
    const admin = (await t.client.invoke("session.whoami", {})).profile?.id ?? "";
    await t.client.invoke("profiles.switch", { id: auditor.id });
    try {
      expect((await t.client.invoke("allowlists.get", { tenantId: "acme", kind: "email" })).entries.length).toBeGreaterThan(0);
      await t.client.invoke("allowlists.preview", { tenantId: "acme", kind: "email", add: ["x@acme.test"], remove: [] });
      await t.client.invoke("allowlists.export", { tenantId: "acme", kind: "email" });
      const before = await metadataOf("emailAllowList:acme");
      const error = await expectFailure(t.invoke("allowlists.apply", { tenantId: "acme", kind: "email", add: ["x@acme.test"], remove: [] }), "FORBIDDEN");
      expect(error.message).toContain("allowlists:write");
      expect(await metadataOf("emailAllowList:acme")).toEqual(before);
    } finally {
      await t.client.invoke("profiles.switch", { id: admin });
    }
  });
});
