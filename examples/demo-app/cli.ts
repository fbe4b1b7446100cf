/**
 * `npm run demo-app -- --core <url> [--mode invite-only|allow-list|2fa|migration] [--port N] [--api-key KEY]
 *                     [--smtp host:port] [--smtp-from addr] [--legacy <url> [--legacy-token T]]`
 * Starts the demo app on 127.0.0.1 and prints its URL (first line: `demo app: <url>`).
 * DEMO_SMTP_USER / DEMO_SMTP_PASS give SMTP credentials.
 */
import { parseArgs } from "node:util";
import { DEMO_MODES, startDemoApp, type DemoMode } from "./server.ts";
import type { SmtpConfig } from "./outbox.ts";
import { DEFAULT_LEGACY_TOKEN } from "../legacy-auth/defaults.ts";

function fail(message: string): never {
  console.error(`demo-app: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    core: { type: "string" },
    mode: { type: "string", default: "invite-only" },
    port: { type: "string", default: "0" },
    "api-key": { type: "string" },
    smtp: { type: "string" },
    "smtp-from": { type: "string", default: "Gatehouse demo <demo@localhost>" },
    legacy: { type: "string" },
    "legacy-token": { type: "string", default: DEFAULT_LEGACY_TOKEN },
  },
  strict: true,
});

if (!values.core) fail("--core <url> is required, e.g. --core http://127.0.0.1:3567 (start one with `npm run core`)");
if (!DEMO_MODES.includes(values.mode as DemoMode)) fail(`--mode must be ${DEMO_MODES.join(", ")}, not ${values.mode}`);
if (values.mode === "migration" && !values.legacy) {
  fail("--mode migration needs --legacy <url> of the LegacyAuth service (start one with `npm run legacy-auth -- --port 4000`)");
}
if (values.legacy !== undefined && !/^https?:\/\/[^/]+/.test(values.legacy)) fail(`--legacy must be an http(s) URL, not ${values.legacy}`);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0-65535, not ${values.port}`);
let smtp: SmtpConfig | undefined;
if (values.smtp) {
  const m = /^([^:]+):(\d+)$/.exec(values.smtp);
  if (!m) fail(`--smtp must be host:port, not ${values.smtp}`);
  smtp = {
    host: m[1]!,
    port: Number(m[2]),
    from: values["smtp-from"],
    ...(process.env.DEMO_SMTP_USER ? { user: process.env.DEMO_SMTP_USER, pass: process.env.DEMO_SMTP_PASS ?? "" } : {}),
  };
}

const app = await startDemoApp({
  coreUrl: values.core,
  mode: values.mode as DemoMode,
  port,
  ...(values["api-key"] ? { apiKey: values["api-key"] } : {}),
  ...(smtp ? { smtp } : {}),
  ...(values.legacy ? { legacy: { url: values.legacy, token: values["legacy-token"] } } : {}),
});
console.log(`demo app: ${app.url}`);
console.log(`mode: ${app.mode}${values.legacy ? ` (from LegacyAuth at ${values.legacy})` : ""}; mail: ${smtp ? `SMTP ${smtp.host}:${smtp.port}` : "outbox only"}; outbox: ${app.url}/dev/outbox`);

const stop = () => {
  void app.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
