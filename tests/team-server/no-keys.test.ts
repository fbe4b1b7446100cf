/**
 * No API key ever reaches a client of the team server. An admin (who sees the most) adds a
 * profile with a known API key, makes it the active one, then calls every read operation of the
 * contract over HTTP — with inputs that reach its handler, not a validation error — and the
 * changes that answer with a profile; neither that key, nor the operator directory's own Core
 * key, is in any answer, header, event of the stream, server log line, or anything the process
 * prints.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { FileKeySecretBox } from "../../main/secrets/file-key-box.ts";
import { openStore } from "../../main/store/database.ts";
import { OPERATIONS, type OperationName } from "../../shared/contract/index.ts";
import type { Browser } from "../team/support/team-http.ts";
import { invoke, startServerFixture, type ServerFixture } from "./support/server-fixture.ts";

const PROFILE_KEY = "crawl-me-if-you-can-0123456789abcdef";
let f: ServerFixture;
let admin: Browser;
let directoryKey: string;
const streamed: string[] = [];
let stopStream: () => void = () => {};

/**
 * Everything this process prints meanwhile (Gatehouse's own console lines too), still printed:
 * the console's methods (Vitest takes those before they reach stdout) and the streams themselves.
 */
const printed: string[] = [];
function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.message}\n${value.stack ?? ""}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
const restore: (() => void)[] = [];
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[level];
  console[level] = (...args: unknown[]) => {
    printed.push(args.map(asText).join(" "));
    original(...args);
  };
  restore.push(() => (console[level] = original));
}
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    printed.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return write(chunk, ...rest);
  }) as typeof stream.write;
  restore.push(() => (stream.write = write));
}

beforeAll(async () => {
  f = await startServerFixture();
  const a = await f.operator("root@example.com", "admin");
  admin = await f.signedIn(a.email, a.password);
  // The embedded operator directory's key, as the server keeps it (sealed in the store's settings).
  const db = openStore(path.join(f.dataDir, "data", "gatehouse.sqlite"));
  try {
    const row = db.prepare("SELECT value FROM settings WHERE key = 'team_directory_core_key'").get() as { value: string };
    directoryKey = new FileKeySecretBox(path.join(f.dataDir, "data", "secrets.key")).open(row.value);
  } finally {
    db.close();
  }
  // An event stream open for the whole crawl.
  const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const controller = new AbortController();
  stopStream = () => controller.abort();
  const res = await fetch(`${f.origin}/api/events`, { headers: { cookie }, signal: controller.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      streamed.push(Buffer.from(chunk.value).toString("utf8"));
    }
  })();
});
afterAll(async () => {
  stopStream();
  await f?.close();
  for (const undo of restore) undo();
});

describe("no API key reaches a client", () => {
  it("is in no answer to any read operation, as an admin, with the keyed profile active", async () => {
    const demoCore = f.server.gatehouse.embeddedCoreUrl ?? "";
    const demo = (await invoke(admin, "profiles.list")).value as { profiles: { contract: unknown }[] };
    const contract = demo.profiles[0]?.contract;
    const created = await invoke(admin, "profiles.create", { name: "Keyed", uris: [demoCore], apiKey: PROFILE_KEY, role: "admin", defaultTenant: "public", timeoutMs: 5000, contract });
    expect(created.error).toBeUndefined();
    const profileId = String(created.value?.id);
    expect(created.value).toMatchObject({ hasApiKey: true });
    expect((await invoke(admin, "profiles.switch", { id: profileId })).value).toMatchObject({ name: "Keyed", active: true });
    expect((await invoke(admin, "profiles.update", { id: profileId, name: "Keyed again" })).ok).toBe(true);

    const users = (await invoke(admin, "users.list", { tenantId: "public", order: "newest", limit: 5 })).value as { rows: { id: string }[] };
    const userId = users.rows[0]?.id ?? "";
    expect(userId).not.toBe("");
    const roles = (await invoke(admin, "roles.list", { tenantId: "public" })).value as { roles: ({ role?: string } | string)[] } | undefined;
    const someRole = roles?.roles.map((r) => (typeof r === "string" ? r : (r.role ?? ""))).find(Boolean) ?? "admin";

    const inputs: Partial<Record<OperationName, unknown>> = {
      "profiles.test": { id: profileId },
      "users.list": { tenantId: "public", order: "newest", limit: 50 },
      "users.export": { tenantId: "public", order: "newest" },
      "users.quickSearch": { text: "a", tenantId: "public" },
      "users.get": { userId },
      "users.sessions": { userId },
      "roles.list": { tenantId: "public" },
      "roles.users": { role: someRole, tenantId: "public" },
      "roles.deletePreview": { role: someRole },
      "audit.list": { limit: 1000 },
      "audit.export": { format: "jsonl" },
      "invites.list": { tenantId: "public" },
      "invites.sync": { tenantId: "public" },
      "jobs.get": { jobId: "no-such-job" },
      "jobs.result": { jobId: "no-such-job" },
      "allowlists.get": { tenantId: "public", kind: "email" },
      "allowlists.preview": { tenantId: "public", kind: "email", add: ["x@example.com"], remove: [] },
      "allowlists.import": { tenantId: "public", kind: "email", csv: "email\nx@example.com\n", mode: "add" },
      "allowlists.export": { tenantId: "public", kind: "email" },
      "secondFactor.resetPreview": { userId },
      "secondFactor.report": { tenantId: "public" },
      "secondFactor.reportCsv": { tenantId: "public" },
      "migration.list": { state: "migrated" },
      "migration.export": { state: "migrated" },
      "migration.report": { format: "json" },
    };
    const reads = (Object.keys(OPERATIONS) as OperationName[]).filter((name) => !OPERATIONS[name].mutates);
    const outcomes: Record<string, string> = {};
    for (const name of reads) {
      const answer = await invoke(admin, name, inputs[name] ?? {});
      outcomes[name] = answer.ok ? "ok" : (answer.error?.code ?? "?");
    }
    // Every read reached its handler (an input the contract refuses would prove nothing).
    expect(Object.entries(outcomes).filter(([, o]) => o === "VALIDATION" || o === "FORBIDDEN")).toEqual([]);
    // The two reads of a job that does not exist answer NOT_FOUND; (nearly) all the others answer.
    expect([outcomes["jobs.get"], outcomes["jobs.result"]]).toEqual(["NOT_FOUND", "NOT_FOUND"]);
    expect(Object.values(outcomes).filter((o) => o === "ok").length).toBeGreaterThanOrEqual(reads.length - 3);
    expect(reads.length).toBeGreaterThan(40);

    const everything = admin.answers.join("\n");
    expect(everything.length).toBeGreaterThan(10_000);
    expect(everything).not.toContain(PROFILE_KEY);
    expect(everything).not.toContain(directoryKey);
  });

  it("is in no event of the stream and no log line of the server", () => {
    expect(streamed.join("")).toContain("audit.appended");
    for (const text of [streamed.join(""), f.logs.join("\n"), printed.join("")]) {
      expect(text).not.toContain(PROFILE_KEY);
      expect(text).not.toContain(directoryKey);
    }
  });

  it("is not written to the audit log in clear", () => {
    const trail = JSON.stringify(f.audit());
    expect(trail).toContain("profiles.create");
    expect(trail).not.toContain(PROFILE_KEY);
  });
});
