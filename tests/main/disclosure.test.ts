/**
 * What leaves main for a role (main/disclosure.ts): sign-in links only for roles that may send
 * them, phones in full only for roles that may see them, in every operation's answer (lists,
 * exports, job results) whatever the service did.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINK_HIDDEN, discloseFor, hideLinksIn } from "../../main/disclosure.ts";
import { MASK } from "../../shared/phone-mask.ts";
import { profileInput, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const MAGIC = "http://localhost:3000/auth/verify?preAuthSessionId=abc-DEF_1&tenantId=public#linkCode123";
const RESET = "https://app.example.com/auth/reset-password?token=tok3n&tenantId=public";

describe("disclosure rules", () => {
  it("hides magic and reset links inside texts and CSV cells, and nothing else", () => {
    expect(hideLinksIn(`Open ${MAGIC} now`)).toBe(`Open ${LINK_HIDDEN} now`);
    expect(hideLinksIn(`line,${MAGIC},sent\r\n2,${RESET},outbox`)).toBe(`line,${LINK_HIDDEN},sent\r\n2,${LINK_HIDDEN},outbox`);
    expect(hideLinksIn("See http://localhost:3000/docs?page=2 and https://example.com")).toBe("See http://localhost:3000/docs?page=2 and https://example.com");
  });

  it("gives admins and support everything, auditors no link and masked phones", () => {
    const answer = { entries: [{ to: "+14155550177", link: MAGIC, text: `Join ${MAGIC}`, n: 3, ok: true, none: null }], csv: `+14155550177,${RESET}` };
    expect(discloseFor("admin", answer)).toBe(answer);
    expect(discloseFor("support", answer)).toBe(answer);
    const seen = discloseFor("auditor", answer);
    expect(seen.entries[0]).toEqual({ to: expect.stringContaining(MASK), link: null, text: `Join ${LINK_HIDDEN}`, n: 3, ok: true, none: null });
    expect(JSON.stringify(seen)).not.toMatch(/4155550177|abc-DEF_1|tok3n/);
    expect(answer.entries[0]?.link).toBe(MAGIC); // the input is not changed
  });
});

describe("a bulk invite job's result and items, per role", () => {
  let t: TestGatehouse;
  beforeAll(async () => {
    t = await startTestGatehouse();
  });
  afterAll(() => t?.close());

  it("carries working links for admin and support, and none (with phones masked) for an auditor", async () => {
    const { id } = await t.client.invoke("profiles.create", profileInput("Desk", [t.coreUrl]));
    await t.client.invoke("profiles.switch", { id });
    const csv = "email,phone\ndisclosed.one@example.com,\n,+14155550166\n";
    const { job } = await t.client.invoke("jobs.dryRun", { kind: "invites.bulk", input: { csv } });
    await t.client.invoke("jobs.start", { jobId: job.id });
    for (let i = 0; i < 200; i++) {
      if ((await t.client.invoke("jobs.get", { jobId: job.id })).job.state === "completed") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const admin = await t.client.invoke("jobs.result", { jobId: job.id });
    expect(admin.content).toMatch(/preAuthSessionId=/);
    expect(admin.content).toContain("+14155550166");

    // The role is changed from another admin profile, then the job's own profile is used again.
    const other = (await t.client.invoke("profiles.create", profileInput("Admin desk", [t.coreUrl]))).id;
    for (const role of ["support", "auditor"] as const) {
      await t.client.invoke("profiles.switch", { id: other });
      await t.client.invoke("profiles.update", { id, role });
      await t.client.invoke("profiles.switch", { id });
      const result = await t.client.invoke("jobs.result", { jobId: job.id });
      const items = await t.client.invoke("jobs.get", { jobId: job.id });
      const all = JSON.stringify([result, items]);
      if (role === "support") {
        expect(result.content).toBe(admin.content);
      } else {
        expect(all).not.toMatch(/preAuthSessionId=/);
        expect(all).not.toContain("4155550166");
        expect(result.content).toContain(LINK_HIDDEN);
        expect(result.content).toContain(MASK);
        for (const item of items.items) expect((item.result as { link?: unknown } | null)?.link ?? null).toBeNull();
      }
    }
  });
});
