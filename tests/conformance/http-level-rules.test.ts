/**
 * What the Core's servlet container (Tomcat 10.1 in the reference Core 11.4.7 build) does before
 * any Core code: the request target's characters, ";params", %-decoding, "." and ".." segments and
 * repeated slashes in the path; query parameters it cannot decode; methods HttpServlet does not
 * know (501) and TRACE (405), each with Tomcat's own HTML page. Exact pages were taken from the
 * reference Core.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core.ts";
import { JSON_CONTENT_TYPE, TEXT_CONTENT_TYPE } from "./helpers.ts";
import { rawTarget, tomcatMessage, type RawTargetResponse } from "./raw-target.ts";

let core: TestCore;
let count: RawTargetResponse;

beforeAll(async () => {
  core = await startTestCore();
  count = await rawTarget(core, "/users/count");
});

afterAll(async () => {
  await core?.close();
});

const PAGE_HEAD =
  '<!doctype html><html lang="en"><head><title>HTTP Status 501 – Not Implemented</title><style type="text/css">body ' +
  "{font-family:Tahoma,Arial,sans-serif;} h1, h2, h3, b {color:white;background-color:#525D76;} h1 {font-size:22px;} " +
  "h2 {font-size:16px;} h3 {font-size:14px;} p {font-size:12px;} a {color:black;} .line {height:1px;background-color:#525D76;border:none;}" +
  '</style></head><body><h1>HTTP Status 501 – Not Implemented</h1><hr class="line" /><p><b>Type</b> Status Report</p>';
const PATCH_PAGE =
  PAGE_HEAD +
  "<p><b>Message</b> Method [PATCH] is not implemented by this Servlet for this URI</p><p><b>Description</b> The server does " +
  'not support the functionality required to fulfill the request.</p><hr class="line" /><h3>Apache Tomcat/10.1.60 (Debian)</h3></body></html>';

/** A Tomcat error page: its status, message line (if any) and the headers Tomcat always sends. */
function expectPage(res: RawTargetResponse, status: number, message: string | undefined): void {
  expect({ status: res.status, message: tomcatMessage(res.text), title: /<title>([^<]*)</.exec(res.text)?.[1] }).toEqual({
    status,
    message,
    title: expect.stringMatching(new RegExp(`^HTTP Status ${status} – `)),
  });
  expect(res.headers["content-type"]).toBe("text/html;charset=utf-8");
  expect(res.headers["content-language"]).toBe("en");
}

describe("the path Tomcat hands to the Core", () => {
  it("count is the plain answer the other spellings are compared with", () => {
    expect(count.status).toBe(200);
    expect(count.headers["content-type"]).toBe(JSON_CONTENT_TYPE);
    expect(JSON.parse(count.text)).toStrictEqual({ status: "OK", count: expect.any(Number) });
  });

  // A real Core may be shared: compare the shape, and the count only when nothing else writes.
  const sameAsCount = async (target: string): Promise<void> => {
    const res = await rawTarget(core, target);
    expect({ target, status: res.status, type: res.headers["content-type"] }).toEqual({ target, status: 200, type: JSON_CONTENT_TYPE });
    expect(JSON.parse(res.text)).toStrictEqual({ status: "OK", count: expect.any(Number) });
    if (core.embedded) expect(res.text).toBe(count.text);
  };

  it("repeated slashes are merged: //users/count, /users//count, ///users/count", async () => {
    for (const target of ["//users/count", "/users//count", "///users/count", "/users/count//"]) await sameAsCount(target);
  });

  it('"." and ".." segments are resolved, also when %-encoded', async () => {
    for (const target of ["/users/./count/", "/./users/count", "/x/../users/count", "/a/%2e%2e/users/count", "/users/count/%2e"]) {
      await sameAsCount(target);
    }
    const users = await rawTarget(core, "/users/count/..");
    expect(JSON.parse(users.text)).toMatchObject({ status: "OK", users: expect.any(Array) });
  });

  it("the path is %-decoded and ;params are dropped from each segment", async () => {
    for (const target of ["/users/%63ount", "/users;a=b/count", "/users/count;x=1", "/;/users/count", "/users/count/;"]) {
      await sameAsCount(target);
    }
  });

  it("a decoded character that does not belong is just a path that is not found", async () => {
    for (const target of ["/users/count%20", "/users/count%3f", "/%C3%A9/"]) {
      const res = await rawTarget(core, target);
      expect({ target, status: res.status, text: res.text, type: res.headers["content-type"] }).toEqual({
        target,
        status: 404,
        text: "Not found\n",
        type: TEXT_CONTENT_TYPE,
      });
    }
  });

  it("Tomcat refuses a bad path with its 400 page and closes the connection", async () => {
    const cases: Array<[string, string | undefined]> = [
      ["/../users/count", "Invalid URI"],
      ["/%2e%2e/users/count", "Invalid URI"],
      ["/users%2Fcount", "Invalid URI: [The encoded slash character is not allowed]"],
      ["/users/count%", "Invalid URI: [End of file (EOF)]"],
      ["/users/count%zz", "Invalid URI: [The hexadecimal encoding is invalid]"],
      ["/users/count%00", "Invalid URI"],
      ["/users/%5Ccount", "Invalid URI"],
      ["/%FF/", undefined],
      ["/a[b]/", undefined],
    ];
    for (const [target, message] of cases) {
      const res = await rawTarget(core, target);
      expectPage(res, 400, message);
      expect(res.headers.connection).toBe("close");
    }
  });

  it("characters RFC 3986 does not allow are named in the 400 page", async () => {
    for (const target of ["/users/{x}/count", "/users/count?a=|b", '/us"ers', "/users/count?a=[", "/users/caunt^"]) {
      const shown = target.replaceAll("/", "&#47;").replaceAll('"', "&quot;");
      expectPage(
        await rawTarget(core, target),
        400,
        `Invalid character found in the request target [${shown} ]. The valid characters are defined in RFC 7230 and RFC 3986`,
      );
    }
  });
});

describe("query parameters as Tomcat decodes them", () => {
  it("a parameter with a broken %-encoding is dropped, not passed on", async () => {
    // Passed on, "%zz" would be an unknown recipe id (400); dropped, the count is plain.
    const res = await rawTarget(core, "/users/count?includeRecipeIds=%zz");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toStrictEqual({ status: "OK", count: expect.any(Number) });
  });

  it('"+" is a space and %XX is decoded; the first of two values counts', async () => {
    const plus = await rawTarget(core, "/users?limit=1+");
    expect({ status: plus.status, text: plus.text }).toEqual({ status: 400, text: "Field name 'limit' must be an int in the GET request\n" });
    const res = await rawTarget(core, "/users?limit=%31&limit=x");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ status: "OK" });
  });
});

describe("methods", () => {
  it("PATCH gets Tomcat's 501 page, exactly, and the connection is closed", async () => {
    const res = await rawTarget(core, "/users/count", { method: "PATCH" });
    expect({ status: res.status, text: res.text }).toEqual({ status: 501, text: PATCH_PAGE });
    expect(res.headers).toMatchObject({
      "content-type": "text/html;charset=utf-8",
      "content-language": "en",
      "content-length": String(Buffer.byteLength(PATCH_PAGE)),
      connection: "close",
    });
  });

  it("other methods HttpServlet does not know get the 501 too, on any path", async () => {
    expectPage(await rawTarget(core, "/nothing/here", { method: "PATCH" }), 501, "Method [PATCH] is not implemented by this Servlet for this URI");
    expectPage(await rawTarget(core, "/", { method: "PROPFIND" }), 501, "Method [PROPFIND] is not implemented by this Servlet for this URI");
  });

  it("the cdi-version is checked before the method", async () => {
    const res = await rawTarget(core, "/", { method: "PATCH", cdi: "1.0" });
    expect({ status: res.status, text: res.text }).toEqual({ status: 400, text: "cdi-version 1.0 not supported\n" });
  });

  it("HEAD and OPTIONS are the Core's 405 (HEAD without the body)", async () => {
    const head = await rawTarget(core, "/users/count", { method: "HEAD" });
    expect({ status: head.status, text: head.text, length: head.headers["content-length"] }).toEqual({ status: 405, text: "", length: "21" });
    for (const target of ["/users/count", "/"]) {
      const res = await rawTarget(core, target, { method: "OPTIONS" });
      expect({ target, status: res.status, text: res.text }).toEqual({ target, status: 405, text: "Method not supported\n" });
    }
  });

  it("TRACE is refused by Tomcat itself: 405 page with Allow", async () => {
    const res = await rawTarget(core, "/users/count", { method: "TRACE" });
    expectPage(res, 405, "TRACE method is not allowed");
    expect(res.headers.allow).toBe("HEAD, DELETE, POST, GET, OPTIONS, PUT");
  });
});
