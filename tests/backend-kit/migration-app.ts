/**
 * An app backend for the migration tests (seed 04): EmailPassword with the kit's legacy-migration
 * overrides, EmailVerification and UserMetadata, against an embedded core (seen through an HTTP
 * tap, so tests can check the order of Core calls) and a real LegacyAuth service (reached through
 * a TCP fault proxy, so tests can take it down or slow it). Password-reset mail is captured.
 * One per test file (supertokens-node is a process-wide singleton).
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import EmailVerification from "supertokens-node/recipe/emailverification";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { httpLegacyProvider, legacyMigration, sendJson, serveWithSuperTokens, type LegacyMigrationOverrides } from "../../backend-kit/index.ts";
import { startLegacyAuth, type RunningLegacyAuth } from "../../examples/legacy-auth/server.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { startTcpFaultProxy, type TcpFaultProxy } from "../main/helpers/faults.ts";
import { startHttpTap, type HttpTap } from "../main/helpers/http-tap.ts";
import type { KitApp } from "./app.ts";

export const LEGACY_TOKEN = "kit-tests-legacy-token";

export interface MigrationApp extends KitApp {
  legacy: RunningLegacyAuth;
  /** In front of LegacyAuth: setMode({ kind: "drop" }) takes it down, "delay" makes it slow. */
  legacyProxy: TcpFaultProxy;
  /** In front of the Core: every request the app's SDK made, in order. */
  coreTap: HttpTap;
  resetLinks: { email: string; link: string }[];
  overrides: LegacyMigrationOverrides;
  /** Failures the overrides turned into GENERAL_ERROR. */
  errors: Error[];
}

export async function startMigrationApp(options: { users?: number; providerTimeoutMs?: number } = {}): Promise<MigrationApp> {
  const core: RunningEmbeddedCore = await startEmbeddedCore();
  const coreTap = await startHttpTap(core.url);
  const legacy = await startLegacyAuth({ port: 0, users: options.users ?? 300, cost: 4, token: LEGACY_TOKEN });
  await legacy.hashesReady;
  const legacyProxy = await startTcpFaultProxy(legacy.url);
  const resetLinks: MigrationApp["resetLinks"] = [];
  const errors: Error[] = [];
  const overrides = legacyMigration({
    provider: httpLegacyProvider({ url: legacyProxy.url, token: LEGACY_TOKEN }),
    providerTimeoutMs: options.providerTimeoutMs ?? 1500,
    onError: (err) => errors.push(err),
  });
  const { server, url } = await serveWithSuperTokens(async (exchange) => sendJson(exchange, 404, { message: "not found" }));
  supertokens.init({
    framework: "custom",
    supertokens: { connectionURI: coreTap.url },
    appInfo: { appName: "kit-migration-tests", apiDomain: url, websiteDomain: "http://127.0.0.1:3000" },
    recipeList: [
      Session.init(),
      EmailPassword.init({
        override: overrides.override,
        emailDelivery: {
          override: () => ({
            sendEmail: async (input) => {
              resetLinks.push({ email: input.user.email, link: input.passwordResetLink });
            },
          }),
        },
      }),
      EmailVerification.init({ mode: "OPTIONAL" }),
      UserMetadata.init(),
    ],
  });
  return {
    url,
    core,
    outbox: [],
    legacy,
    legacyProxy,
    coreTap,
    resetLinks,
    overrides,
    errors,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await legacyProxy.close();
      await legacy.close();
      await coreTap.close();
      await core.close();
    },
  };
}
