/** The address rule for a Gatehouse server (shared/server-url.ts), as main and the renderer apply it. */
import { describe, expect, it } from "vitest";
import { checkServerUrl, isLoopbackHostname } from "../../shared/server-url.ts";

const origin = (raw: string) => {
  const checked = checkServerUrl(raw);
  return checked.ok ? checked.origin : `refused: ${checked.message}`;
};

describe("a Gatehouse server's address", () => {
  it("keeps the origin of an https address, normalised", () => {
    expect(origin("https://gatehouse.example.com")).toBe("https://gatehouse.example.com");
    expect(origin("  HTTPS://Gatehouse.Example.COM/ ")).toBe("https://gatehouse.example.com");
    expect(origin("https://gatehouse.example.com:443")).toBe("https://gatehouse.example.com");
    expect(origin("https://gatehouse.example.com:8443/")).toBe("https://gatehouse.example.com:8443");
    expect(origin("https://bücher.example")).toBe("https://xn--bcher-kva.example");
  });

  it("allows http only to this computer", () => {
    expect(origin("http://localhost:4000")).toBe("http://localhost:4000");
    expect(origin("http://127.0.0.1:4000/")).toBe("http://127.0.0.1:4000");
    expect(origin("http://127.1:4000")).toBe("http://127.0.0.1:4000");
    expect(origin("http://[::1]:4000")).toBe("http://[::1]:4000");
    expect(origin("http://[::ffff:127.0.0.1]:4000")).toBe("http://[::ffff:7f00:1]:4000");
    for (const raw of ["http://gatehouse.example.com", "http://10.0.0.5:4000", "http://128.0.0.1", "http://localhost.evil.example", "http://[::2]", "http://0.0.0.0:4000"]) {
      expect(origin(raw), raw).toMatch(/^refused: must start with https:\/\//);
    }
  });

  it("refuses other schemes and what is not a URL", () => {
    expect(origin("")).toMatch(/^refused: a URL is required/);
    expect(origin("gatehouse.example.com")).toMatch(/^refused: must start with https:\/\//);
    for (const raw of ["ftp://gatehouse.example.com", "file:///etc/passwd", "javascript:alert(1)", "gatehouse://app/index.html", "//gatehouse.example.com"]) {
      expect(origin(raw), raw).toMatch(/^refused: must start with https:\/\//);
    }
    expect(origin("https://")).toMatch(/^refused: "https:\/\/" is not a URL/);
  });

  it("refuses a user name or password, however it is written", () => {
    for (const raw of ["https://admin:secret@gatehouse.example.com", "https://gatehouse.example.com@evil.example", "https://@evil.example", "https://user@localhost", "http://a:b@127.0.0.1"]) {
      expect(origin(raw), raw).toMatch(/^refused: must not hold a user name or password/);
    }
  });

  it("refuses paths, queries and fragments (a team server is served at the root of its host)", () => {
    for (const raw of ["https://gatehouse.example.com/console", "https://gatehouse.example.com/../evil", "https://gatehouse.example.com/%2e%2e/x", "https://gatehouse.example.com/?next=https://evil.example", "https://gatehouse.example.com#/users", "https://gatehouse.example.com?", "https://gatehouse.example.com/#"]) {
      expect(origin(raw), raw).toMatch(/^refused: must be the server's address only .* e\.g\. https:\/\/gatehouse\.example\.com:/);
    }
  });

  it("refuses backslashes, spaces and control characters, which browsers read in surprising ways", () => {
    for (const raw of ["https:\\\\evil.example", "https://evil.example\\@gatehouse.example.com", "https://gate house.example.com", "https://gatehouse.example.com\u0000", "https://gatehouse.example.com\t.evil"]) {
      expect(origin(raw), JSON.stringify(raw)).toMatch(/^refused: must not hold spaces, backslashes or control characters/);
    }
  });

  it("knows loopback hosts as the URL parser leaves them", () => {
    expect(["localhost", "LOCALHOST", "127.0.0.1", "127.255.3.4", "[::1]", "[::ffff:7f00:1]", "[::ffff:7fff:ffff]"].map(isLoopbackHostname)).toEqual([true, true, true, true, true, true, true]);
    expect(["example.com", "127.0.0.1.example.com", "localhost.example.com", "[::ffff:a00:1]", "[::]", "0.0.0.0", "1127.0.0.1"].map(isLoopbackHostname)).toEqual([false, false, false, false, false, false, false]);
  });
});
