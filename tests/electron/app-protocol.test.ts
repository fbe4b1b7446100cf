/** gatehouse://app/ serves the built renderer with the CSP, and nothing outside it. */
import { rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serveRenderer } from "../../main/electron/app-protocol.ts";
import { RENDERER_CSP } from "../../main/server/security-headers.ts";
import { stubRenderer } from "../server/helpers.ts";

const stub = stubRenderer();
symlinkSync(path.join(stub.base, "secret.txt"), path.join(stub.rendererDir, "link-out.txt"));
const serve = serveRenderer(stub.rendererDir);
afterAll(() => rmSync(stub.base, { recursive: true, force: true }));

const get = (url: string, method = "GET") => serve(new Request(url, { method }));

describe("serveRenderer", () => {
  it("serves index.html and assets with their types and the CSP", async () => {
    const index = await get("gatehouse://app/index.html");
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("content-security-policy")).toBe(RENDERER_CSP);
    expect(index.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await index.text()).toContain("<title>Gatehouse</title>");
    expect((await get("gatehouse://app/")).status).toBe(200);
    const script = await get("gatehouse://app/assets/app-3f2a1c.js");
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it.each([
    "gatehouse://app/../secret.txt",
    "gatehouse://app/%2e%2e/secret.txt",
    "gatehouse://app/assets/..%2f..%2fsecret.txt",
    "gatehouse://app/.env",
    "gatehouse://app/link-out.txt",
    "gatehouse://app/missing.js",
    "gatehouse://other/index.html",
  ])("answers 404 for %s", async (url) => {
    const res = await get(url);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-security-policy")).toBe(RENDERER_CSP);
    expect(await res.text()).not.toMatch(/SECRET/);
  });

  it("refuses methods other than GET and HEAD", async () => {
    expect((await get("gatehouse://app/index.html", "POST")).status).toBe(405);
    const head = await get("gatehouse://app/index.html", "HEAD");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });
});
