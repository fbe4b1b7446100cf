/**
 * A minimal app backend for the kit's tests: supertokens-node (framework "custom") on node:http,
 * against an embedded core, with the kit's Passwordless overrides and admin invite API, and the
 * SDK's email/SMS delivery captured into an in-memory outbox. supertokens-node is a process-wide
 * singleton, so a test file starts one of these (Vitest runs each file in its own process).
 */
import supertokens from "supertokens-node";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { createInviteHandler, sendJson, serveWithSuperTokens, type PasswordlessAPIOverride } from "../../backend-kit/index.ts";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";

export interface SentCode {
  to: string;
  userInputCode: string | undefined;
  urlWithLinkCode: string | undefined;
}

export interface KitApp {
  url: string;
  core: RunningEmbeddedCore;
  outbox: SentCode[];
  close(): Promise<void>;
}

export async function startKitApp(apis: PasswordlessAPIOverride): Promise<KitApp> {
  const core = await startEmbeddedCore();
  const outbox: SentCode[] = [];
  const invite = createInviteHandler();
  const { server, url } = await serveWithSuperTokens(async (exchange) => {
    if (exchange.path === "/admin/invite" && exchange.method === "post") await invite(exchange);
    else sendJson(exchange, 404, { message: "not found" });
  });
  supertokens.init({
    framework: "custom",
    supertokens: { connectionURI: core.url },
    appInfo: { appName: "kit-tests", apiDomain: url, websiteDomain: "http://127.0.0.1:3000" },
    recipeList: [
      Session.init(),
      Passwordless.init({
        contactMethod: "EMAIL_OR_PHONE",
        flowType: "USER_INPUT_CODE_AND_MAGIC_LINK",
        override: { apis },
        emailDelivery: {
          override: () => ({
            sendEmail: async (input) => {
              outbox.push({ to: input.email, userInputCode: input.userInputCode, urlWithLinkCode: input.urlWithLinkCode });
            },
          }),
        },
        smsDelivery: {
          override: () => ({
            sendSms: async (input) => {
              outbox.push({ to: input.phoneNumber, userInputCode: input.userInputCode, urlWithLinkCode: input.urlWithLinkCode });
            },
          }),
        },
      }),
      UserMetadata.init(),
      UserRoles.init(),
    ],
  });
  return {
    url,
    core,
    outbox,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
    },
  };
}

export type ContactBody = { email: string } | { phoneNumber: string };

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** POST JSON to the app the way supertokens-web-js does (rid, header-based auth mode). */
export async function post(app: KitApp, path: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiAnswer> {
  const res = await fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "st-auth-mode": "header", ...extraHeaders },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers };
}

/** POST /auth/signinup/code. */
export function createCode(app: KitApp, contact: ContactBody): Promise<ApiAnswer> {
  return post(app, "/auth/signinup/code", contact, { rid: "passwordless" });
}

/** The whole OTP sign-in through the real API; returns the consume answer (access token in its headers). */
export async function signInWithOtp(app: KitApp, contact: ContactBody): Promise<ApiAnswer> {
  const created = await createCode(app, contact);
  if (created.body.status !== "OK") throw new Error(`createCode answered ${JSON.stringify(created.body)}`);
  const to = "email" in contact ? contact.email : contact.phoneNumber;
  const sent = app.outbox.filter((m) => m.to === to).at(-1);
  if (sent?.userInputCode === undefined) throw new Error(`no code was sent to ${to}`);
  return post(
    app,
    "/auth/signinup/code/consume",
    { deviceId: created.body.deviceId, preAuthSessionId: created.body.preAuthSessionId, userInputCode: sent.userInputCode },
    { rid: "passwordless" },
  );
}
