/**
 * A real Gatehouse for a test file: the composition root with a temporary data folder, the
 * embedded core with the demo data (in memory), and the typed client over the dispatcher.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { startGatehouse, type Gatehouse, type GatehouseOptions } from "../../../main/app.ts";
import { CoreClient } from "../../../main/core/core-client.ts";
import { createClient, type GatehouseClient } from "../../../shared/contract/client.ts";
import type { Envelope, ErrorCode } from "../../../shared/contract/errors.ts";
import type { EventName } from "../../../shared/contract/events.ts";
import type { InputOf } from "../../../shared/contract/index.ts";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT } from "../../../shared/data-contract.ts";

export interface TestGatehouse {
  gatehouse: Gatehouse;
  dataDir: string;
  /** The embedded core (demo data) the "Local demo" profile uses. */
  coreUrl: string;
  client: GatehouseClient;
  /** The raw envelope, for unknown operations and malformed input. */
  invoke(op: string, input: unknown): Promise<Envelope<unknown>>;
  /** Every audit entry, oldest first. */
  auditEntries(): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

export async function startTestGatehouse(options: Partial<GatehouseOptions> = {}): Promise<TestGatehouse> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "gatehouse-main-"));
  const gatehouse = await startGatehouse({ embeddedCoreInMemory: true, operator: "tester", ...options, dataDir });
  const invoke = (op: string, input: unknown) => gatehouse.dispatcher.invoke(op, input, gatehouse.desktopCaller());
  const client = createClient({
    invoke,
    subscribe: (handler) => gatehouse.events.on((name, payload) => handler(name as EventName, payload)),
  });
  return {
    gatehouse,
    dataDir,
    coreUrl: gatehouse.embeddedCoreUrl ?? "",
    client,
    invoke,
    async auditEntries() {
      const all: AuditEntry[] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await client.invoke("audit.list", { limit: 1000, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
        all.push(...page.entries);
        if (page.nextBeforeSeq === null) break;
        beforeSeq = page.nextBeforeSeq;
      }
      return all.reverse();
    },
    async close() {
      await gatehouse.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asserts that an operation failed with `code`; returns the error body. */
export async function expectFailure(envelope: Promise<Envelope<unknown>>, code: ErrorCode): Promise<{ code: string; message: string; field?: string }> {
  const result = await envelope;
  if (result.ok) expect.fail(`expected ${code}, got ok: ${JSON.stringify(result.value).slice(0, 300)}`);
  expect(result.error.code, result.error.message).toBe(code);
  return result.error;
}

/** A supertokens-node connection of the test's own to a core (for what an app backend would do). */
export function directCore(url: string, apiKey?: string): CoreClient {
  return new CoreClient({ uris: [url], apiKey, timeoutMs: 10_000 });
}

/** Demo users with nothing special about them (email-password, no roles, flags or mapping), oldest first. */
export async function plainDemoUsers(client: GatehouseClient, count: number): Promise<{ id: string; email: string }[]> {
  const { rows } = await client.invoke("users.list", { tenantId: "public", order: "oldest", limit: 200 });
  const plain = rows.filter(
    (r) =>
      r.roles.length === 0 &&
      r.loginMethods.join() === "emailpassword" &&
      r.superTokensUserId === undefined &&
      r.secondFactor.state === "none" &&
      !r.temporaryPassword &&
      r.emails.length === 1,
  );
  expect(plain.length).toBeGreaterThanOrEqual(count);
  return plain.slice(0, count).map((r) => ({ id: r.id, email: r.emails[0] ?? "" }));
}

/** profiles.create input for `uris`, with the seeds' data contract. */
export function profileInput(name: string, uris: string[], extra: Partial<InputOf<"profiles.create">> = {}): InputOf<"profiles.create"> {
  return { name, uris, role: "admin", defaultTenant: "public", timeoutMs: 5000, contract: { ...DEFAULT_DATA_CONTRACT }, ...extra };
}
