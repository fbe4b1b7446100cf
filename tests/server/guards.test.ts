/** Browser mode's pure pieces: token comparison, Host/Origin rules, path resolution, port and host options. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { portFromEnv, startBrowserMode } from "../../main/server/index.ts";
import { allowedHosts, isAllowedHost, isAllowedOrigin } from "../../main/server/request-guards.ts";
import { bearerToken, createSessionToken, tokenMatches } from "../../main/server/session-token.ts";
import { contentTypeFor, resolveStaticFile } from "../../main/server/static-files.ts";
import { EventBus } from "../../main/events.ts";
import type { Dispatcher } from "../../main/dispatch.ts";
import type { Caller } from "../../shared/contract/caller.ts";

const DESKTOP: Caller = { operator: "tester", role: "admin", address: null };

describe("session token", () => {
  it("is 32 random bytes, different every time", () => {
    const a = createSessionToken();
    expect(Buffer.from(a, "base64url")).toHaveLength(32);
    expect(createSessionToken()).not.toBe(a);
  });

  it("matches only the exact token", () => {
    const token = createSessionToken();
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(token, `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toBe(false);
    expect(tokenMatches(token, token.slice(1))).toBe(false);
    expect(tokenMatches(token, "")).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
    expect(tokenMatches(token, null)).toBe(false);
  });

  it("reads Bearer headers only", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer abc")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken("Bearer a b")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe("Host and Origin rules", () => {
  const allowed = allowedHosts("127.0.0.1", 4100);

  it("allow exactly 127.0.0.1:<port> and localhost:<port>", () => {
    expect(allowed).toEqual(["127.0.0.1:4100", "localhost:4100"]);
    expect(isAllowedHost("LOCALHOST:4100", allowed)).toBe(true);
    for (const bad of [undefined, "127.0.0.1", "127.0.0.1:4101", "evil.example:4100", "127.0.0.1.evil.example:4100", "[::1]:4100"]) {
      expect(isAllowedHost(bad, allowed)).toBe(false);
    }
  });

  it("allow no Origin or our own only", () => {
    expect(isAllowedOrigin(undefined, allowed)).toBe(true);
    expect(isAllowedOrigin("http://127.0.0.1:4100", allowed)).toBe(true);
    expect(isAllowedOrigin("http://localhost:4100", allowed)).toBe(true);
    for (const bad of ["null", "https://127.0.0.1:4100", "http://127.0.0.1:4100/x", "http://evil.example", "http://127.0.0.1:41000"]) {
      expect(isAllowedOrigin(bad, allowed)).toBe(false);
    }
  });
});

describe("resolveStaticFile", () => {
  const base = mkdtempSync(path.join(tmpdir(), "gatehouse-static-"));
  const root = path.join(base, "root");
  mkdirSync(path.join(root, "assets"), { recursive: true });
  writeFileSync(path.join(root, "index.html"), "x");
  writeFileSync(path.join(root, "assets", "a b.js"), "x");
  writeFileSync(path.join(base, "outside.txt"), "x");
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("maps / to index.html and decodes names", () => {
    expect(resolveStaticFile(root, "/")).toBe(path.join(root, "index.html"));
    expect(resolveStaticFile(root, "/assets/a%20b.js")).toBe(path.join(root, "assets", "a b.js"));
  });

  it("never leaves the root", () => {
    for (const attempt of ["/../outside.txt", "/assets/%2e%2e/%2e%2e/outside.txt", "/..%2foutside.txt", "/..%5coutside.txt", "/assets", "/C:%5cWindows", "/%00", "/%zz"]) {
      expect(resolveStaticFile(root, attempt), attempt).toBeUndefined();
    }
    expect(resolveStaticFile(path.join(base, "missing-root"), "/")).toBeUndefined();
  });

  it("knows the renderer's content types", () => {
    expect(contentTypeFor("x.js")).toBe("text/javascript; charset=utf-8");
    expect(contentTypeFor("x.CSS")).toBe("text/css; charset=utf-8");
    expect(contentTypeFor("x.woff2")).toBe("font/woff2");
    expect(contentTypeFor("x.bin")).toBe("application/octet-stream");
  });
});

describe("options", () => {
  it("read GATEHOUSE_PORT, random when unset, and refuse nonsense", () => {
    expect(portFromEnv({})).toBe(0);
    expect(portFromEnv({ GATEHOUSE_PORT: "4123" })).toBe(4123);
    expect(() => portFromEnv({ GATEHOUSE_PORT: "http" })).toThrow(/GATEHOUSE_PORT must be a number from 0 to 65535, not "http"/);
    expect(() => portFromEnv({ GATEHOUSE_PORT: "70000" })).toThrow(/GATEHOUSE_PORT/);
  });

  it("refuse to listen anywhere but IPv4 loopback", async () => {
    const gatehouse = { dispatcher: {} as Dispatcher, events: new EventBus(), desktopCaller: () => DESKTOP };
    for (const host of ["0.0.0.0", "192.168.1.10", "::", "example.com"]) {
      await expect(startBrowserMode({ gatehouse, rendererDir: ".", host })).rejects.toThrow(/only listens on an IPv4 loopback address/);
    }
  });

  it("say clearly when the port is taken", async () => {
    const gatehouse = { dispatcher: {} as Dispatcher, events: new EventBus(), desktopCaller: () => DESKTOP };
    const first = await startBrowserMode({ gatehouse, rendererDir: ".", port: 0 });
    try {
      await expect(startBrowserMode({ gatehouse, rendererDir: ".", port: first.port })).rejects.toThrow(
        new RegExp(`Port ${first.port} on 127.0.0.1 is already in use: set GATEHOUSE_PORT`),
      );
    } finally {
      await first.close();
    }
  });

  it("close ends open event streams and stops listening", async () => {
    const events = new EventBus();
    const server = await startBrowserMode({ gatehouse: { dispatcher: {} as Dispatcher, events, desktopCaller: () => DESKTOP }, rendererDir: ".", port: 0 });
    const res = await fetch(`${server.origin}/api/events?token=${server.token}`);
    const reader = res.body?.getReader();
    await reader?.read(); // ": connected"
    await server.close();
    await expect(reader?.read()).resolves.toMatchObject({ done: true });
    await expect(fetch(`${server.origin}/`)).rejects.toThrow();
  });
});
