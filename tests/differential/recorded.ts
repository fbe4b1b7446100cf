/**
 * Recorded expectations: exchanges from /work/shared/core-fixtures/exchanges.jsonl (a real
 * Core 11.4.7 answering supertokens-node 24.0.3) whose request and answer do not depend on
 * what else the Core holds, replayed byte for byte in the middle of a random sequence. The
 * answer must be the recorded one, whatever the sequence did before.
 */
import { existsSync, readFileSync } from "node:fs";
import type { OpKind } from "./op.ts";
import { rawCall } from "./raw.ts";

export const FIXTURES = process.env.CORE_FIXTURES ?? "/work/shared/core-fixtures/exchanges.jsonl";

export interface Exchange {
  seq: number;
  name: string;
  request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: unknown };
  response: { status: number; headers: { "content-type"?: string }; body: unknown };
}

/** The steps whose answers hold on any Core at any time (unknown ids, malformed requests, fixed texts). */
const REPLAYABLE = new Set([
  "core.apiversion.raw",
  "core.hello.raw",
  "core.root.raw",
  "pless.createNewCodeForDevice.unknownDevice",
  "pless.revokeCode.unknownCodeId",
  "pless.revokeAllCodes.unknownEmail",
  "pless.updateUser.unknownUser",
  "meta.bulk.raw.nonString",
  "meta.bulk.raw.missingField",
  "meta.clear.nonexistent",
  "roles.getPermissionsForRole.unknown",
  "roles.getUsersThatHaveRole.unknown",
  "map.get.unknown",
  "ep.createResetPasswordToken.unknownUser",
  "ep.resetPasswordUsingToken.garbage",
  "ep.updateEmailOrPassword.unknownUser",
  "users.getUser.unknown",
  "session.revokeMultipleSessions",
  "session.getSessionInformation.unknown",
  "mt.getTenant.unknown",
  "mt.associateUserToTenant.unknownTenant",
  "fail.unknownPath.post",
  "fail.malformedJson",
  "fail.cdiUnsupported.future",
  "fail.cdiMalformed",
  "fail.wrongMethod",
  "fail.unknownTenantInPath",
  "fail.metadata.missingUserId",
]);

function load(): Map<string, Exchange> {
  const out = new Map<string, Exchange>();
  if (!existsSync(FIXTURES)) return out;
  for (const line of readFileSync(FIXTURES, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as Exchange;
    if (REPLAYABLE.has(e.name) && !out.has(e.name)) out.set(e.name, e);
  }
  return out;
}

export const RECORDED = load();

export const recordedOps: Record<string, OpKind> = RECORDED.size
  ? {
      recorded: {
        weight: 3,
        gen: (g) => ({ name: g.rng.pick([...RECORDED.keys()]) }),
        run: (a, w) => {
          const e = RECORDED.get(a.name as string);
          if (!e) throw new Error(`no recorded exchange ${String(a.name)}`);
          const { "cdi-version": cdi, ...headers } = e.request.headers;
          return rawCall(w.core, {
            method: e.request.method,
            path: e.request.path,
            query: e.request.query,
            body: e.request.body === null ? undefined : e.request.body,
            cdi: cdi ?? null,
            headers,
          });
        },
      },
    }
  : {};
