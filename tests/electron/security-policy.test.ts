/** The Electron security rules, as pure functions (main/electron/security-policy.ts imports no electron). */
import { describe, expect, it } from "vitest";
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  externalLinkTarget,
  isAllowedRequestUrl,
  isAppUrl,
  isTrustedSender,
  secureWebPreferences,
} from "../../main/electron/security-policy.ts";

describe("webPreferences", () => {
  it("isolate and sandbox the renderer, with the preload as its only bridge", () => {
    const prefs = secureWebPreferences("/app/dist/electron/preload.cjs", false);
    expect(prefs).toMatchObject({
      preload: "/app/dist/electron/preload.cjs",
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(secureWebPreferences("/p", true).devTools).toBe(true);
  });

  it("serve the page from a standard, secure custom scheme, not file://", () => {
    expect(APP_ENTRY_URL).toBe("gatehouse://app/index.html");
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: "gatehouse", privileges: { standard: true, secure: true } });
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty("bypassCSP");
  });
});

describe("isTrustedSender", () => {
  it("accepts the top frame of our own page", () => {
    expect(isTrustedSender({ url: "gatehouse://app/index.html", parent: null })).toBe(true);
    expect(isTrustedSender({ url: "gatehouse://app/index.html#/users/42", parent: null })).toBe(true);
  });

  it.each([
    ["an iframe of our page", { url: "gatehouse://app/index.html", parent: {} }],
    ["a file:// page", { url: "file:///home/me/evil.html", parent: null }],
    ["a web page", { url: "https://evil.example/", parent: null }],
    ["browser mode's origin", { url: "http://127.0.0.1:4100/", parent: null }],
    ["another host on our scheme", { url: "gatehouse://evil/index.html", parent: null }],
    ["a look-alike", { url: "gatehouse://app.evil/index.html", parent: null }],
    ["a blank page", { url: "about:blank", parent: null }],
    ["no URL", { url: "", parent: null }],
  ])("refuses %s", (_what, frame) => {
    expect(isTrustedSender(frame)).toBe(false);
  });

  it("refuses a missing or disposed frame", () => {
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
    const disposed = {
      get url(): string {
        throw new Error("Render frame was disposed before WebFrameMain could be accessed");
      },
      parent: null,
    };
    expect(isTrustedSender(disposed)).toBe(false);
  });
});

describe("request and link rules", () => {
  it("let only our own page, data:, our blob: URLs and DevTools load", () => {
    expect(isAllowedRequestUrl("gatehouse://app/assets/index-abc.js")).toBe(true);
    expect(isAllowedRequestUrl("data:image/png;base64,AAAA")).toBe(true);
    expect(isAllowedRequestUrl("blob:gatehouse://app/6f1c")).toBe(true);
    expect(isAllowedRequestUrl("devtools://devtools/bundled/inspector.html")).toBe(true);
    for (const url of ["https://cdn.example/x.js", "http://127.0.0.1:3567/hello", "ws://127.0.0.1/", "file:///etc/passwd", "blob:https://evil.example/1", "gatehouse://other/x"]) {
      expect(isAllowedRequestUrl(url), url).toBe(false);
    }
    expect(isAppUrl("not a url")).toBe(false);
  });

  it("open only http(s) links externally", () => {
    expect(externalLinkTarget("https://supertokens.com/docs")).toBe("https://supertokens.com/docs");
    expect(externalLinkTarget("http://example.com/a b")).toBe("http://example.com/a%20b");
    for (const url of ["file:///etc/passwd", "javascript:alert(1)", "gatehouse://app/", "smb://host/share", "ms-msdt:/id", "not a url"]) {
      expect(externalLinkTarget(url), url).toBeUndefined();
    }
  });
});
