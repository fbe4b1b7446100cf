/**
 * The team server's config file: every error names its field; plain HTTP only on loopback; the
 * public URL is https unless it is loopback; relative paths are the config file's; the example
 * config at the repo root is valid and starts on loopback HTTP with the embedded directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadServerConfig, parseServerConfig } from "../../main/team-server/config.ts";
import { ROOT } from "../../scripts/run-tool.ts";

const dir = mkdtempSync(path.join(tmpdir(), "gatehouse-server-config-"));
writeFileSync(path.join(dir, "cert.pem"), "not read here");
writeFileSync(path.join(dir, "key.pem"), "not read here");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = { listen: { host: "127.0.0.1", port: 8787 }, dataDir: "data" };

function refusal(json: unknown): ConfigError {
  try {
    parseServerConfig(json, dir);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("the config was accepted");
}

describe("errors name the field", () => {
  it.each([
    [{ dataDir: "d" }, "listen", /listen: is required/],
    [{ ...base, listen: { host: "127.0.0.1", port: 70000 } }, "listen.port", /listen\.port: /],
    [{ ...base, listen: { host: "127.0.0.1", port: "8080" } }, "listen.port", /whole number/],
    [{ ...base, listne: {} }, "listne", /listne: is not a setting the team server knows/],
    [{ ...base, sessions: { idleMinute: 5 } }, "sessions.idleMinute", /sessions\.idleMinute: is not a setting/],
    [{ ...base, sessions: { idleMinutes: 0 } }, "sessions.idleMinutes", /sessions\.idleMinutes: /],
    [{ ...base, trustedProxies: ["10.0.0.1", "proxy.local"] }, "trustedProxies[1]", /trustedProxies\[1\]: must be an IP address/],
    [{ ...base, operatorDirectory: { kind: "ldap" } }, "operatorDirectory.kind", /operatorDirectory/],
    [{ ...base, operatorDirectory: { kind: "core", uri: "not a url" } }, "operatorDirectory.uri", /operatorDirectory\.uri: must be the Core's/],
    [{ ...base, operatorDirectory: { kind: "core", uri: "https://core.example", apiKeyFile: "missing.txt" } }, "operatorDirectory.apiKeyFile", /there is no file/],
    [{ ...base, tls: { cert: "cert.pem", key: "nope.pem" } }, "tls.key", /tls\.key: there is no file .*nope\.pem/],
    [{ ...base, tls: { cert: "cert.pem" } }, "tls.key", /tls\.key: is required/],
    [{ ...base, dataDir: "" }, "dataDir", /dataDir: /],
    [{ ...base, publicUrl: "gatehouse.example.com" }, "publicUrl", /publicUrl: "gatehouse\.example\.com" is not a URL/],
    [{ ...base, publicUrl: "https://gatehouse.example.com/console" }, "publicUrl", /origin only/],
  ])("%j → %s", (json, field, message) => {
    const err = refusal(json);
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
  });

  it("a file that is not JSON is named, with JSON's own complaint", () => {
    const file = path.join(dir, "broken.json");
    writeFileSync(file, '{ "listen": ');
    expect(() => loadServerConfig(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON`));
    expect(() => loadServerConfig(path.join(dir, "absent.json"))).toThrow(/Cannot read the config file .*absent\.json: ENOENT/);
  });

  it("a field error from a file names the file too", () => {
    const file = path.join(dir, "bad-port.json");
    writeFileSync(file, JSON.stringify({ ...base, listen: { host: "127.0.0.1", port: -1 } }));
    expect(() => loadServerConfig(file)).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: listen\\.port: [^:]+$`));
  });
});

describe("plain HTTP only on loopback", () => {
  it.each(["0.0.0.0", "::", "192.168.1.20", "gatehouse.example.com"])("refuses %s without TLS, saying what to do", (host) => {
    const err = refusal({ ...base, listen: { host, port: 8443 }, publicUrl: "https://gatehouse.example.com" });
    expect(err.field).toBe("listen.host");
    expect(err.message).toMatch(/plain HTTP is allowed only on loopback/);
    expect(err.message).toMatch(/"tls": \{"cert", "key"\}/);
  });

  it.each(["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost"])("allows %s without TLS", (host) => {
    expect(parseServerConfig({ ...base, listen: { host, port: 8787 } }, dir).tls).toBeUndefined();
  });

  it("allows any address with TLS, and then wants an https publicUrl (and one at all on every interface)", () => {
    const tls = { cert: "cert.pem", key: "key.pem" };
    const config = parseServerConfig({ ...base, listen: { host: "0.0.0.0", port: 8443 }, tls, publicUrl: "https://gatehouse.example.com" }, dir);
    expect(config.tls).toEqual({ cert: path.join(dir, "cert.pem"), key: path.join(dir, "key.pem") });
    expect(refusal({ ...base, listen: { host: "0.0.0.0", port: 8443 }, tls }).field).toBe("publicUrl");
    const http = refusal({ ...base, tls, publicUrl: "http://127.0.0.1:8443" });
    expect(http.message).toMatch(/publicUrl: must be https:\/\/ when the server does TLS/);
  });

  it("wants an https publicUrl unless it is loopback (a TLS-terminating proxy in front)", () => {
    expect(refusal({ ...base, publicUrl: "http://gatehouse.example.com" }).message).toMatch(/publicUrl: must be https:\/\//);
    expect(parseServerConfig({ ...base, publicUrl: "https://gatehouse.example.com", trustedProxies: ["127.0.0.1"] }, dir)).toMatchObject({
      publicUrl: "https://gatehouse.example.com",
      trustedProxies: ["127.0.0.1"],
    });
    expect(parseServerConfig({ ...base, publicUrl: "http://localhost:8787/" }, dir).publicUrl).toBe("http://localhost:8787");
  });
});

describe("defaults and paths", () => {
  it("fills the defaults and reads relative paths from the config's folder", () => {
    expect(parseServerConfig(base, dir)).toEqual({
      listen: { host: "127.0.0.1", port: 8787 },
      tls: undefined,
      publicUrl: undefined,
      trustedProxies: [],
      dataDir: path.join(dir, "data"),
      demoCore: true,
      operatorDirectory: { kind: "embedded" },
      sessions: { idleMs: undefined, absoluteMs: undefined },
      serverKeyFile: path.join(dir, "data", "secrets.key"),
      store: { kind: "sqlite" },
      audit: { file: undefined, syslog: undefined },
    });
    expect(parseServerConfig({ ...base, sessions: { idleMinutes: 10, absoluteHours: 8 } }, dir).sessions).toEqual({ idleMs: 600_000, absoluteMs: 8 * 3_600_000 });
  });

  it("takes a shared server key, PostgreSQL (URL inline or from a file) and the audit stream, naming the field when wrong", () => {
    writeFileSync(path.join(dir, "pg-url"), "postgres://gatehouse:s3cret@db.example.com/gatehouse\n");
    const parsed = parseServerConfig(
      { ...base, serverKeyFile: "keys/server.key", store: { kind: "postgres", urlFile: "pg-url" }, audit: { file: "audit.jsonl", syslog: { host: "siem.example.com", port: 514, protocol: "udp" } } },
      dir,
    );
    expect(parsed).toMatchObject({
      serverKeyFile: path.join(dir, "keys", "server.key"),
      store: { kind: "postgres", url: "postgres://gatehouse:s3cret@db.example.com/gatehouse" },
      audit: { file: path.join(dir, "audit.jsonl"), syslog: { host: "siem.example.com", port: 514, protocol: "udp" } },
    });
    expect(parseServerConfig({ ...base, store: { kind: "postgres", url: "postgres://db/gatehouse" } }, dir).store).toEqual({ kind: "postgres", url: "postgres://db/gatehouse" });
    const wrong: [unknown, RegExp][] = [
      [{ store: { kind: "postgres" } }, /^store: give the PostgreSQL connection URL as "url" or/],
      [{ store: { kind: "postgres", url: "mysql://db/x" } }, /^store\.url: must be a postgres:\/\/ connection URL/],
      [{ store: { kind: "postgres", urlFile: "missing" } }, /^store\.urlFile: there is no file /],
      [{ store: { kind: "mongo" } }, /^store\.kind: must be \{"kind": "sqlite"\}/],
      [{ audit: { syslog: { host: "siem", port: 514, protocol: "http" } } }, /^audit\.syslog\.protocol: must be "udp" or "tcp"/],
      [{ audit: { syslog: { host: "siem", port: 514, protocol: "udp", appName: "has space" } } }, /^audit\.syslog\.appName: must be 1 to 48 printable ASCII/],
      [{ audit: { stream: "x" } }, /^audit\.stream: is not a setting/],
    ];
    for (const [extra, message] of wrong) expect(() => parseServerConfig({ ...base, ...(extra as object) }, dir)).toThrow(message);
  });

  it("the example config at the repo root is valid: loopback HTTP, embedded directory, data in ./.gatehouse-server", () => {
    const config = loadServerConfig(path.join(ROOT, "server.example.json"));
    expect(config).toMatchObject({
      listen: { host: "127.0.0.1" },
      tls: undefined,
      dataDir: path.join(ROOT, ".gatehouse-server"),
      demoCore: true,
      operatorDirectory: { kind: "embedded" },
    });
  });
});
