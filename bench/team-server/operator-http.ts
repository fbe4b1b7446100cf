/**
 * A signed-in operator over HTTP, as the renderer talks to the team server: POST
 * /api/team/sign-in (same-origin Origin, JSON) sets the session cookie and answers the CSRF token;
 * every operation is then POST /api/invoke with the cookie and X-CSRF-Token, its answer parsed.
 *
 * The client is node:http on one kept-alive connection, not Node's fetch: the bench runs client
 * and server in one process, and fetch's web-streams machinery costs ~0.8 ms of this process's CPU
 * per call (measured), work a browser does in its own processes. What is timed is then what the
 * server adds: the HTTP exchange, the session and CSRF check, and the JSON both ways.
 */
import http from "node:http";
import { cookieNames } from "../../main/team/http/cookies.ts";

export interface Envelope {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}

export interface SignedInOperator {
  invoke(op: string, input: unknown): Promise<Envelope>;
  close(): void;
}

interface Answer {
  status: number;
  setCookies: string[];
  body: unknown;
}

export async function signInOverHttp(origin: string, email: string, password: string): Promise<SignedInOperator> {
  if (origin.startsWith("https:")) throw new Error("the bench's client speaks plain HTTP (loopback) only");
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const post = (path: string, body: unknown, headers: Record<string, string>) => request(agent, origin, path, JSON.stringify(body), { origin, "content-type": "application/json", ...headers });
  try {
    const answer = await post("/api/team/sign-in", { email, password }, {});
    const body = answer.body as { ok: boolean; value?: { step?: string; csrfToken?: string }; error?: { code: string } };
    if (!body.ok || body.value?.step !== "signed-in" || typeof body.value.csrfToken !== "string") {
      throw new Error(`sign-in over HTTP failed (${answer.status} ${body.error?.code ?? body.value?.step ?? "?"})`);
    }
    const name = cookieNames(false).session;
    const cookie = answer.setCookies.map((line) => line.split(";")[0] ?? "").find((pair) => pair.startsWith(`${name}=`));
    if (!cookie) throw new Error("sign-in over HTTP set no session cookie");
    const headers = { cookie, "x-csrf-token": body.value.csrfToken };
    return {
      async invoke(op, input) {
        const res = await post("/api/invoke", { op, input }, headers);
        if (res.status !== 200) throw new Error(`POST /api/invoke ${op}: HTTP ${res.status}`);
        return res.body as Envelope;
      },
      close: () => agent.destroy(),
    };
  } catch (err) {
    agent.destroy();
    throw err;
  }
}

function request(agent: http.Agent, origin: string, path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const url = new URL(path, origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, setCookies: res.headers["set-cookie"] ?? [], body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
