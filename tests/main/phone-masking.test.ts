/**
 * Auditors see second-factor phones masked, and the masking happens in main: the full number
 * never leaves the process for an auditor, whatever the renderer does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { MASK } from "../../shared/phone-mask.ts";
import { startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

let t: TestGatehouse;

beforeAll(async () => {
  t = await startTestGatehouse();
});
afterAll(() => t?.close());

const enrolledPhones = async (): Promise<{ id: string; phone: string }[]> => {
  const { rows } = await t.client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 500 });
  return rows.flatMap((r) => (r.secondFactor.state === "enrolled" ? [{ id: r.id, phone: r.secondFactor.phoneNumber }] : []));
};

describe("second-factor phone masking", () => {
  it("shows admins the full number and auditors a masked one, in lists and in the user view", async () => {
    const full = await enrolledPhones();
    expect(full.length).toBeGreaterThan(10);
    for (const { phone } of full) expect(phone).toMatch(/^\+\d{8,15}$/);

    const auditor = await t.client.invoke("profiles.create", {
      name: "Auditor desk",
      uris: [t.coreUrl],
      role: "auditor",
      defaultTenant: "public",
      timeoutMs: 5000,
      contract: { ...DEFAULT_DATA_CONTRACT },
    });
    await t.client.invoke("profiles.switch", { id: auditor.id });

    const masked = await enrolledPhones();
    expect(masked.map((m) => m.id)).toEqual(full.map((f) => f.id));
    for (const [i, { phone }] of masked.entries()) {
      expect(phone).toContain(MASK);
      expect(phone.replace(/\D/g, "").length).toBeLessThan((full[i]?.phone ?? "").replace(/\D/g, "").length);
      expect(JSON.stringify(masked)).not.toContain(full[i]?.phone);
    }
    const detail = await t.client.invoke("users.get", { userId: full[0]?.id ?? "" });
    expect(detail.secondFactor.state === "enrolled" && detail.secondFactor.phoneNumber).toContain(MASK);
  });

  it("masks phones in the audit log and its exports for auditors, not for admins", async () => {
    const demo = (await t.client.invoke("profiles.list", {})).profiles.find((p) => p.embedded);
    await t.client.invoke("profiles.switch", { id: demo?.id ?? "" });
    const [target] = await enrolledPhones();
    const phone = "+14155550177";
    await t.client.invoke("users.updateMetadata", { userId: target?.id ?? "", update: { note: `call ${phone}` } });
    const adminView = JSON.stringify((await t.client.invoke("audit.list", { limit: 5 })).entries);
    expect(adminView).toContain(phone);

    const auditor = (await t.client.invoke("profiles.list", {})).profiles.find((p) => p.role === "auditor");
    await t.client.invoke("profiles.switch", { id: auditor?.id ?? "" });
    const auditorView = JSON.stringify((await t.client.invoke("audit.list", { limit: 5 })).entries);
    expect(auditorView).not.toContain(phone);
    expect(auditorView).toContain(MASK);
    const exported = await t.client.invoke("audit.export", { format: "jsonl" });
    expect(exported.content).not.toContain(phone);
  });
});
