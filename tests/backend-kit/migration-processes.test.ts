/**
 * First sign-ins of one legacy user racing across two app processes (two demo apps in migration
 * mode, each with its own in-process lock), against one embedded core and one LegacyAuth: the Core
 * refuses the second sign-up for the email, the loser waits for the winner's migration to finish
 * (reading the Core afresh: the SDK caches reads per request and only forgets them on its own
 * process's writes), and every sign-in ends on the one account, under the legacy id.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startLegacyAuth, type RunningLegacyAuth } from "../../examples/legacy-auth/server.ts";
import { legacyPassword, legacyRoster } from "../../main/embedded-core/demo/legacy-roster.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { coreReads } from "../main/helpers/core-reads.ts";
import { startDemoAppProcess, type RunningDemoApp } from "../support/demo-app-process.ts";

const TOKEN = "race-tests-legacy-token";
let core: RunningEmbeddedCore;
let legacy: RunningLegacyAuth;
let apps: RunningDemoApp[] = [];

beforeAll(async () => {
  core = await startEmbeddedCore();
  legacy = await startLegacyAuth({ port: 0, users: 40, cost: 4, token: TOKEN });
  await legacy.hashesReady;
  const args = ["--core", core.url, "--mode", "migration", "--legacy", legacy.url, "--legacy-token", TOKEN];
  apps = await Promise.all([startDemoAppProcess(args), startDemoAppProcess(args)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await legacy?.close();
  await core?.close();
});

async function signIn(app: RunningDemoApp, email: string, password: string): Promise<{ status: string; user?: { id: string } }> {
  const res = await fetch(`${app.url}/api/auth/signin`, {
    method: "POST",
    headers: { "content-type": "application/json", rid: "emailpassword", "st-auth-mode": "header" },
    body: JSON.stringify({ formFields: [{ id: "email", value: email }, { id: "password", value: password }] }),
  });
  return (await res.json()) as { status: string; user?: { id: string } };
}

it("makes one account for one legacy user signing in through two app processes at once", async () => {
  const users = legacyRoster(1, 40).filter((u) => !u.disabled).slice(0, 8);
  for (const user of users) {
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => signIn(apps[i % 2]!, user.email, legacyPassword(user))));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill("OK"));
    expect(new Set(answers.map((a) => a.user?.id))).toEqual(new Set([user.id]));
    const onCore = await coreReads(core.url).byContact({ email: user.email });
    expect(onCore.map((u) => u.id)).toEqual([user.id]);
  }
}, 60_000);
