/**
 * The audit stream (main/services/audit-stream/): every entry the chained log commits goes out as
 * one JSON line to a file and to syslog (UDP and TCP), with nothing secret in it; a sink that
 * fails never fails the change, and says so once.
 */
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileSink } from "../../../main/services/audit-stream/file-sink.ts";
import { syslogSink } from "../../../main/services/audit-stream/syslog-sink.ts";
import type { AuditSink } from "../../../main/services/audit-stream/sink.ts";
import { profileInput, startTestGatehouse, type TestGatehouse } from "../helpers/gatehouse.ts";

const SECRET = "stream-secret-key-0123456789";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gatehouse-audit-stream-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withGatehouse(sinks: AuditSink[], run: (t: TestGatehouse) => Promise<void>): Promise<void> {
  const t = await startTestGatehouse({ auditSinks: sinks });
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

const until = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("the audit stream", () => {
  it("writes each committed entry to a file as a JSON line, redacted, and starts a new file after rotation", async () => {
    const file = join(dir, "audit.jsonl");
    const warnings: string[] = [];
    await withGatehouse([fileSink(file, (l) => warnings.push(l))], async (t) => {
      await t.client.invoke("profiles.create", profileInput("Streamed", [t.coreUrl], { apiKey: SECRET }));
      await t.client.invoke("roles.create", { role: "streamed", permissions: ["read"] });
      const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      const entries = await t.auditEntries();
      expect(lines.map((l) => l.seq)).toEqual(entries.map((e) => e.seq).sort((a, b) => a - b));
      expect(lines.at(-1)).toMatchObject({ type: "gatehouse.audit", operation: "roles.create", target: "streamed", outcome: "ok", operator: "tester", address: null });
      expect(lines.at(-1)?.hash).toBe(entries.find((e) => e.operation === "roles.create")?.hash);
      expect(readFileSync(file, "utf8")).not.toContain(SECRET);
      expect(readFileSync(file, "utf8")).toContain("[redacted]");

      renameSync(file, `${file}.1`); // what logrotate does
      await t.client.invoke("roles.create", { role: "after-rotation", permissions: [] });
      expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(1);
      expect(readFileSync(file, "utf8")).toContain("after-rotation");
    });
    expect(warnings).toEqual([]);
  });

  it("keeps working when the file cannot be written: the change succeeds, the log has it, one warning", async () => {
    const warnings: string[] = [];
    const file = join(dir, "no-such-folder", "audit.jsonl");
    await withGatehouse([fileSink(file, (l) => warnings.push(l))], async (t) => {
      for (const role of ["r1", "r2", "r3"]) expect((await t.invoke("roles.create", { role, permissions: [] })).ok).toBe(true);
      expect((await t.auditEntries()).filter((e) => e.operation === "roles.create")).toHaveLength(3);
    });
    expect(existsSync(file)).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/audit stream \(file .*\) is failing: .*entries stay in the audit log/);
  });

  it("sends RFC 5424 messages to syslog over UDP, warnings for refusals", async () => {
    const received: string[] = [];
    const server = createSocket("udp4");
    server.on("message", (m) => received.push(m.toString("utf8")));
    await new Promise<void>((resolve) => server.bind(0, "127.0.0.1", () => resolve()));
    const port = server.address().port;
    try {
      await withGatehouse([syslogSink({ host: "127.0.0.1", port, protocol: "udp", appName: "gatehouse-test" })], async (t) => {
        await t.client.invoke("roles.create", { role: "via-udp", permissions: [] });
        await t.gatehouse.dispatcher.invoke("roles.create", { role: "refused-udp", permissions: [] }, { operator: "ann@example.org", role: "auditor", address: "198.51.100.1" });
        await until(() => received.length >= 2, "two syslog messages");
      });
    } finally {
      server.close();
    }
    const [ok, refused] = received;
    // <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG; authpriv (10) * 8 + notice (5) = 85, + warning (4) = 84.
    expect(ok).toMatch(/^<85>1 \d{4}-\d\d-\d\dT[\d:.]+Z \S+ gatehouse-test \d+ audit - \{/);
    expect(JSON.parse(ok?.slice(ok.indexOf("{")) ?? "")).toMatchObject({ type: "gatehouse.audit", operation: "roles.create", target: "via-udp", outcome: "ok" });
    expect(refused).toMatch(/^<84>1 /);
    expect(JSON.parse(refused?.slice(refused.indexOf("{")) ?? "")).toMatchObject({ operator: "ann@example.org", address: "198.51.100.1", outcome: "error" });
  });

  it("sends octet-counted messages over TCP and reconnects after the collector drops the connection", async () => {
    let buffer = "";
    const sockets = new Set<import("node:net").Socket>();
    const server: Server = createServer((s) => {
      sockets.add(s);
      s.on("data", (d) => (buffer += d.toString("utf8")));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as { port: number }).port;
    const frames = () => {
      const out: string[] = [];
      let rest = buffer;
      while (rest.length > 0) {
        const space = rest.indexOf(" ");
        const length = Number(rest.slice(0, space));
        const body = Buffer.from(rest.slice(space + 1), "utf8").subarray(0, length).toString("utf8");
        if (Buffer.byteLength(body) < length) break;
        out.push(body);
        rest = rest.slice(space + 1 + body.length);
      }
      return out;
    };
    try {
      await withGatehouse([syslogSink({ host: "127.0.0.1", port, protocol: "tcp" }, () => undefined)], async (t) => {
        await t.client.invoke("roles.create", { role: "via-tcp-é", permissions: [] });
        await until(() => frames().length === 1, "the first frame");
        for (const s of sockets) s.destroy(); // the collector restarts
        sockets.clear();
        await new Promise((r) => setTimeout(r, 100));
        await t.client.invoke("roles.create", { role: "lost-or-not", permissions: [] });
        await t.client.invoke("roles.create", { role: "after-reconnect", permissions: [] });
        await until(() => frames().some((f) => f.includes("after-reconnect")), "a frame after the reconnect");
      });
    } finally {
      server.close();
    }
    expect(frames()[0]).toContain('"target":"via-tcp-é"');
    for (const frame of frames()) expect(frame).toMatch(/^<8[45]>1 .* gatehouse \d+ audit - \{.*\}$/);
  });
});
