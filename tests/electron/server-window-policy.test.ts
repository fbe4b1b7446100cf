/** The rules for a Gatehouse server's window (main/electron/server-window-policy.ts), without Electron. */
import { describe, expect, it } from "vitest";
import { secureWebPreferences } from "../../main/electron/security-policy.ts";
import { isAllowedServerRequest, mayServerNavigate, serverOrigin, serverPartition, serverWebPreferences, STORAGES_CLEARED_ON_CLOSE } from "../../main/electron/server-window-policy.ts";

const ORIGIN = "https://gatehouse.example.com";

describe("a Gatehouse server's window", () => {
  it("has a persistent partition of its own per server id, and refuses ids the store did not make", () => {
    expect(serverPartition("0b5e6a52-93c1-4c3e-9d3b-7a1f2e4c5d6e")).toBe("persist:gatehouse-server-0b5e6a52-93c1-4c3e-9d3b-7a1f2e4c5d6e");
    expect(serverPartition("a")).not.toBe(serverPartition("b"));
    for (const id of ["", "../x", "a b", "x:y", "persist:other", "a".repeat(101)]) expect(() => serverPartition(id), id).toThrow(/Not a Gatehouse server id/);
  });

  it("opens only an address that passes the rule, as its origin", () => {
    expect(serverOrigin("https://Gatehouse.Example.com/")).toBe(ORIGIN);
    expect(serverOrigin("http://127.0.0.1:4000")).toBe("http://127.0.0.1:4000");
    for (const url of ["http://gatehouse.example.com", "https://a:b@gatehouse.example.com", "https://gatehouse.example.com/x", "file:///etc/passwd", "gatehouse://app/index.html"]) {
      expect(serverOrigin(url), url).toBeUndefined();
    }
  });

  it("gets no preload, no Node, the sandbox and its partition; otherwise the console window's locks", () => {
    const prefs = serverWebPreferences("persist:gatehouse-server-1", false);
    expect(prefs).not.toHaveProperty("preload");
    expect(prefs).toMatchObject({ partition: "persist:gatehouse-server-1", contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, devTools: false });
    // Every lock of the console's own window holds here too.
    const { preload: _preload, ...consoleLocks } = secureWebPreferences("/preload.cjs", false);
    expect(prefs).toMatchObject(consoleLocks);
  });

  it("navigates only within the server's origin: scheme, host and port alike", () => {
    expect(mayServerNavigate(ORIGIN, `${ORIGIN}/`)).toBe(true);
    expect(mayServerNavigate(ORIGIN, `${ORIGIN}/set-password?token=abc#x`)).toBe(true);
    expect(mayServerNavigate(ORIGIN, "https://GATEHOUSE.example.com:443/users")).toBe(true);
    for (const url of [
      "http://gatehouse.example.com/",
      "https://gatehouse.example.com:8443/",
      "https://evil.example/",
      "https://gatehouse.example.com.evil.example/",
      "https://gatehouse.example.com@evil.example/",
      "gatehouse://app/index.html",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "data:text/html,<h1>hi</h1>",
      "not a url",
    ]) {
      expect(mayServerNavigate(ORIGIN, url), url).toBe(false);
    }
  });

  it("lets requests through to its origin only (plus data:, its own blob: URLs, DevTools)", () => {
    expect(isAllowedServerRequest(ORIGIN, `${ORIGIN}/api/invoke`)).toBe(true);
    expect(isAllowedServerRequest(ORIGIN, `${ORIGIN}/assets/index.js`)).toBe(true);
    expect(isAllowedServerRequest(ORIGIN, "data:image/png;base64,AAAA")).toBe(true);
    expect(isAllowedServerRequest(ORIGIN, `blob:${ORIGIN}/0b5e6a52`)).toBe(true);
    expect(isAllowedServerRequest(ORIGIN, "devtools://devtools/bundled/inspector.html")).toBe(true);
    for (const url of ["https://cdn.example/x.js", "blob:https://evil.example/1", "http://127.0.0.1:3567/apiversion", "gatehouse://app/index.html", "file:///etc/passwd", "wss://evil.example/"]) {
      expect(isAllowedServerRequest(ORIGIN, url), url).toBe(false);
    }
  });

  it("keeps only cookies when a window closes", () => {
    expect(STORAGES_CLEARED_ON_CLOSE).not.toContain("cookies");
    expect([...STORAGES_CLEARED_ON_CLOSE].sort()).toEqual(["cachestorage", "filesystem", "indexdb", "localstorage", "serviceworkers", "shadercache"]);
  });
});
