/**
 * The demo app: a small app backend on supertokens-node (framework "custom" on node:http) that
 * uses the backend kit, plus the sign-in page (web/main.ts, supertokens-web-js) it serves.
 *
 *   /api/auth/*          the SDK's own routes (Passwordless sign-in, session refresh, sign-out)
 *   POST /api/admin/invite  the kit's admin-only invite API (role `admin`); the link is mailed/texted
 *   GET /api/me          the signed-in user (session required)
 *   GET /dev/outbox      every code, link and invite sent (demo only; off with exposeOutbox: false)
 *   GET / and /auth/*    the sign-in page; /auth/verify is where magic links land
 *
 * Mode "2fa" (seed 03) instead: EmailPassword sign-up/sign-in, then an SMS OTP to a separate
 * Passwordless user (the kit's second-factor overrides); GET /api/2fa/state tells the page where
 * the code goes, GET /api/me needs `2fa-completed`. SMS go to the outbox.
 *
 * Mode "migration" (seed 04): EmailPassword with the kit's just-in-time migration from a LegacyAuth
 * service (`legacy`), EmailVerification and UserMetadata; the password-reset mail goes to the
 * outbox (and SMTP) with a link to /auth/reset-password; GET /api/me shows the imported name.
 *
 * supertokens-node is a process-wide singleton, so one process runs one demo app.
 */
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Passwordless from "supertokens-node/recipe/passwordless";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import {
  allowListGuard,
  composeOverrides,
  createInviteHandler,
  getFirstFactorSession,
  handleSuperTokensError,
  inviteOnlyGuard,
  maskPhone,
  readEnrollment,
  recordInviteAcceptance,
  requireSecondFactor,
  secondFactorApis,
  secondFactorSession,
  serveWithSuperTokens,
  sendJson,
  type Exchange,
  DEFAULT_DATA_CONTRACT,
  type DataContract,
} from "@gatehouse/backend-kit";
import { bundleSignInPage } from "./bundle.ts";
import { migrationMe, migrationRecipes } from "./migration.ts";
import { Outbox, type SmtpConfig } from "./outbox.ts";
import { MIGRATION_PAGE_HTML, PAGE_HTML, TWO_FACTOR_PAGE_HTML } from "./page.ts";

export type DemoMode = "invite-only" | "allow-list" | "2fa" | "migration";
export const DEMO_MODES: readonly DemoMode[] = ["invite-only", "allow-list", "2fa", "migration"];

export interface DemoAppOptions {
  /** The Core (a real one, or the embedded local core). */
  coreUrl: string;
  apiKey?: string;
  /** Which seed guards sign-up (invite-only, allow-list), or email-password + SMS second factor (2fa). */
  mode: DemoMode;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Mail goes here too when set (codes, magic links, invites); otherwise only to the outbox. */
  smtp?: SmtpConfig;
  /** Serve GET /dev/outbox (default true: this is a demo; never do it in a real app). */
  exposeOutbox?: boolean;
  contract?: DataContract;
  /** Mode "migration": the LegacyAuth service users are migrated from, and its bearer token. */
  legacy?: { url: string; token: string };
}

export interface DemoApp {
  url: string;
  mode: DemoMode;
  outbox: Outbox;
  close(): Promise<void>;
}

let started = false;

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
};

export async function startDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  if (started) throw new Error("supertokens-node is a process-wide singleton: start one demo app per process");
  started = true;
  const contract = options.contract ?? DEFAULT_DATA_CONTRACT;
  const outbox = new Outbox(options.smtp);
  const twoFactor = options.mode === "2fa";
  const migration = options.mode === "migration";
  if (migration && !options.legacy) throw new Error('mode "migration" needs the LegacyAuth service (legacy: { url, token })');
  const script = await bundleSignInPage(twoFactor ? "two-factor.ts" : migration ? "migration.ts" : "main.ts");
  const invite = createInviteHandler({
    contract,
    deliver: async ({ contact, inviteLink }) => {
      const text =
        `You have been invited to the Gatehouse demo app.\n\nSign in with this link (it expires in 15 minutes):\n${inviteLink}\n\n` +
        `After that, sign in any time with your ${"email" in contact ? "email address" : "phone number"}.\n`;
      if ("email" in contact) await outbox.send({ channel: "email", to: contact.email, subject: "You are invited to the Gatehouse demo app", text, link: inviteLink });
      else await outbox.send({ channel: "sms", to: contact.phoneNumber, text, link: inviteLink });
    },
  });

  async function route(exchange: Exchange): Promise<void> {
    const { path, method } = exchange;
    if (path === "/api/admin/invite" && method === "post") return invite(exchange);
    if (twoFactor && path === "/api/2fa/state" && method === "get") return twoFactorState(exchange);
    if (twoFactor && path === "/api/me" && method === "get") return twoFactorMe(exchange);
    if (migration && path === "/api/me" && method === "get") return migrationMe(exchange);
    if (path === "/api/me" && method === "get") {
      try {
        const session = await Session.getSession(exchange.request, exchange.response);
        const user = await supertokens.getUser(session.getUserId());
        return sendJson(exchange, 200, { userId: session.getUserId(), emails: user?.emails ?? [], phoneNumbers: user?.phoneNumbers ?? [] });
      } catch (err) {
        if (await handleSuperTokensError(err, exchange)) return;
        throw err;
      }
    }
    if (path === "/dev/outbox" && method === "get" && options.exposeOutbox !== false) return sendJson(exchange, 200, outbox.messages);
    if (method === "get" && path === "/app.js") {
      exchange.response.setHeader("content-type", "text/javascript; charset=utf-8", false);
      exchange.response.body = script;
      return;
    }
    if (method === "get" && (path === "/" || path === "/auth" || path.startsWith("/auth/"))) {
      exchange.response.sendHTMLResponse(twoFactor ? TWO_FACTOR_PAGE_HTML : migration ? MIGRATION_PAGE_HTML : PAGE_HTML);
      return;
    }
    sendJson(exchange, 404, { message: "not found" });
  }

  /** Where the page stands after the first factor: 2FA done, and the enrolled phone (if any). */
  async function twoFactorState(exchange: Exchange): Promise<void> {
    try {
      const session = await getFirstFactorSession(exchange);
      if (!session) return sendJson(exchange, 401, { message: "unauthorised" });
      const enrollment = await readEnrollment(session.getUserId(), contract);
      const claim = (session.getAccessTokenPayload() as Record<string, unknown>)[contract.secondFactorClaim] as { v?: unknown } | undefined;
      return sendJson(exchange, 200, {
        completed: claim?.v === true,
        enrollment: enrollment.state,
        ...(enrollment.state === "enrolled" ? { phoneNumber: enrollment.phoneNumber, maskedPhone: maskPhone(enrollment.phoneNumber) } : {}),
      });
    } catch (err) {
      if (await handleSuperTokensError(err, exchange)) return;
      throw err;
    }
  }

  /** The protected page's data: needs `2fa-completed`; the phone comes from the access token. */
  async function twoFactorMe(exchange: Exchange): Promise<void> {
    try {
      const session = await requireSecondFactor(exchange, { contract });
      const user = await supertokens.getUser(session.getUserId());
      const phoneNumber = (session.getAccessTokenPayload() as Record<string, unknown>)[contract.phoneNumberPayloadKey];
      return sendJson(exchange, 200, { userId: session.getUserId(), emails: user?.emails ?? [], phoneNumber: typeof phoneNumber === "string" ? phoneNumber : null, secondFactor: true });
    } catch (err) {
      if (await handleSuperTokensError(err, exchange)) return;
      throw err;
    }
  }

  const { server, url } = await serveWithSuperTokens(route, {
    port: options.port,
    headers: SECURITY_HEADERS,
    onError: (err) => console.error("demo-app:", err),
  });

  supertokens.init({
    framework: "custom",
    supertokens: { connectionURI: options.coreUrl, ...(options.apiKey ? { apiKey: options.apiKey } : {}) },
    appInfo: { appName: "Gatehouse demo app", apiDomain: url, websiteDomain: url, apiBasePath: "/api/auth", websiteBasePath: "/auth" },
    recipeList: options.legacy && migration ? migrationRecipes({ legacy: options.legacy, contract, outbox }) : [
      Session.init(twoFactor ? { override: { functions: secondFactorSession({ contract }) } } : {}),
      ...(twoFactor ? [EmailPassword.init()] : []),
      Passwordless.init({
        ...(twoFactor
          ? { contactMethod: "PHONE" as const, flowType: "USER_INPUT_CODE" as const }
          : { contactMethod: "EMAIL_OR_PHONE" as const, flowType: "USER_INPUT_CODE_AND_MAGIC_LINK" as const }),
        override: {
          apis: twoFactor
            ? secondFactorApis({ contract })
            : composeOverrides(options.mode === "invite-only" ? inviteOnlyGuard : allowListGuard({ contract }), recordInviteAcceptance({ contract })),
        },
        emailDelivery: {
          override: () => ({
            sendEmail: async ({ email, userInputCode, urlWithLinkCode }) => {
              const lines = ["Your sign-in code for the Gatehouse demo app:", "", userInputCode ?? "", "", "Or open this link:", urlWithLinkCode ?? ""];
              await outbox.send({
                channel: "email",
                to: email,
                subject: "Sign in to the Gatehouse demo app",
                text: lines.join("\n") + "\n",
                ...(userInputCode ? { code: userInputCode } : {}),
                ...(urlWithLinkCode ? { link: urlWithLinkCode } : {}),
              });
            },
          }),
        },
        smsDelivery: {
          override: () => ({
            sendSms: async ({ phoneNumber, userInputCode, urlWithLinkCode }) => {
              await outbox.send({
                channel: "sms",
                to: phoneNumber,
                text: `Gatehouse demo app code: ${userInputCode ?? ""} ${urlWithLinkCode ?? ""}`.trim(),
                ...(userInputCode ? { code: userInputCode } : {}),
                ...(urlWithLinkCode ? { link: urlWithLinkCode } : {}),
              });
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
    mode: options.mode,
    outbox,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      outbox.close();
    },
  };
}
