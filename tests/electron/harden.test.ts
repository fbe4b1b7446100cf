/** Web contents and session hardening, against fakes with the few methods it uses. */
import { describe, expect, it, vi } from "vitest";
import { hardenSession, hardenWebContents } from "../../main/electron/harden.ts";

// Electron's types only through the tested functions: tests never import electron.
type WebContents = Parameters<typeof hardenWebContents>[0];
type Session = Parameters<typeof hardenSession>[0];

type Handler = (...args: unknown[]) => unknown;

function fakeContents() {
  const handlers = new Map<string, Handler>();
  let openHandler: Handler | undefined;
  const contents = {
    on: (event: string, handler: Handler) => handlers.set(event, handler),
    setWindowOpenHandler: (handler: Handler) => (openHandler = handler),
  };
  const fire = (event: string, url?: string) => {
    const e = { preventDefault: vi.fn() };
    handlers.get(event)?.(e, url);
    return e.preventDefault.mock.calls.length > 0;
  };
  return { contents: contents as unknown as WebContents, fire, open: (url: string) => openHandler?.({ url }) };
}

describe("hardenWebContents", () => {
  it("blocks navigation and redirects away from our page", () => {
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, vi.fn(), vi.fn());
    expect(fire("will-navigate", "https://evil.example/")).toBe(true);
    expect(fire("will-navigate", "file:///etc/passwd")).toBe(true);
    expect(fire("will-navigate", "blob:gatehouse://app/0b5e6a52"), "a blob of our origin passes the request filter, not this").toBe(true);
    expect(fire("will-redirect", "http://127.0.0.1:3567/")).toBe(true);
    expect(fire("will-navigate", "gatehouse://app/index.html")).toBe(false);
  });

  it("blocks <webview>", () => {
    const { contents, fire } = fakeContents();
    hardenWebContents(contents, vi.fn(), vi.fn());
    expect(fire("will-attach-webview")).toBe(true);
  });

  it("denies every new window, handing http(s) links to the OS browser", () => {
    const { contents, open } = fakeContents();
    const openExternal = vi.fn(() => Promise.resolve());
    hardenWebContents(contents, openExternal, vi.fn());
    expect(open("https://supertokens.com/docs")).toEqual({ action: "deny" });
    expect(open("file:///etc/passwd")).toEqual({ action: "deny" });
    expect(open("gatehouse://app/index.html")).toEqual({ action: "deny" });
    expect(openExternal.mock.calls).toEqual([["https://supertokens.com/docs"]]);
  });
});

describe("hardenSession", () => {
  it("denies permissions and cancels requests for remote content", () => {
    let requestHandler: Handler | undefined;
    let checkHandler: Handler | undefined;
    let beforeRequest: Handler | undefined;
    const session = {
      setPermissionRequestHandler: (h: Handler) => (requestHandler = h),
      setPermissionCheckHandler: (h: Handler) => (checkHandler = h),
      webRequest: { onBeforeRequest: (h: Handler) => (beforeRequest = h) },
    };
    hardenSession(session as unknown as Session);

    const granted = vi.fn();
    requestHandler?.({}, "media", granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(checkHandler?.({}, "clipboard-read")).toBe(false);

    const decide = (url: string) => {
      const callback = vi.fn();
      beforeRequest?.({ url }, callback);
      return callback.mock.calls[0]?.[0];
    };
    expect(decide("https://cdn.example/lib.js")).toEqual({ cancel: true });
    expect(decide("gatehouse://app/assets/index.js")).toEqual({ cancel: false });
  });
});
