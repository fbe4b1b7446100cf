/**
 * The demo app under test: started as its own process (`examples/demo-app/cli.ts`, what
 * `npm run demo-app` runs), a real SMTP server (smtp-server) that receives its mail, and the
 * admin's side (kit-admin.ts) as one-shot commands.
 */
import { execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, type Page } from "@playwright/test";
import { SMTPServer } from "smtp-server";
import { startDemoAppProcess, type RunningDemoApp } from "../../support/demo-app-process.ts";

export { startDemoAppProcess, type RunningDemoApp };

const TSX = ["--import", "tsx"];
const ROOT = process.cwd();

const execFileAsync = promisify(execFile);

/** Run one kit-admin.ts command against the core; returns its JSON answer. */
export async function kitAdmin(coreUrl: string, ...args: string[]): Promise<unknown> {
  const { stdout } = await execFileAsync(process.execPath, [...TSX, join(ROOT, "tests/e2e/support/kit-admin.ts"), coreUrl, ...args], { cwd: ROOT });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
}

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The decoded text of the mail (quoted-printable / base64 undone). */
  text: string;
}

function decodeBody(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split);
  const body = raw.slice(split).trim();
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

export interface MailSink {
  port: number;
  mails: ReceivedMail[];
  /** Wait for a mail to this address (and matching the predicate) and return it. */
  waitFor(to: string, predicate?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: decodeBody(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    async waitFor(to, predicate = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = mails.find((m) => m.to.includes(to) && predicate(m));
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms (got ${mails.length} for others)`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The two demo apps the e2e tests use against one core: invite-only (mailing through a sink) and allow-list. */
export interface DemoApps {
  mail: MailSink;
  inviteOnly: RunningDemoApp;
  allowList: RunningDemoApp;
  close(): Promise<void>;
}

export async function startDemoApps(coreUrl: string): Promise<DemoApps> {
  const mail = await startMailSink();
  const [inviteOnly, allowList] = await Promise.all([
    startDemoAppProcess(["--core", coreUrl, "--mode", "invite-only", "--smtp", `127.0.0.1:${mail.port}`]),
    startDemoAppProcess(["--core", coreUrl, "--mode", "allow-list"]),
  ]);
  return {
    mail,
    inviteOnly,
    allowList,
    async close() {
      await inviteOnly.close();
      await allowList.close();
      await mail.close();
    },
  };
}

interface OutboxMessage {
  to: string;
  code?: string;
}

/** The one-time codes the demo app has sent to an email or phone, oldest first. */
export async function codesFor(app: RunningDemoApp, to: string): Promise<string[]> {
  const messages = (await (await fetch(`${app.url}/dev/outbox`)).json()) as OutboxMessage[];
  return messages.filter((m) => m.to === to && m.code).map((m) => m.code!);
}

/** On the demo app's sign-in page: asks for a code for this email or phone. */
export async function askForCode(page: Page, app: RunningDemoApp, contact: string): Promise<void> {
  await page.goto(app.url);
  await page.getByLabel("Email or phone number").fill(contact);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** Signs in (or up) with the code sent to a phone; returns the signed-in user's id. */
export async function signInWithOtp(page: Page, app: RunningDemoApp, phone: string): Promise<string> {
  const before = (await codesFor(app, phone)).length;
  await askForCode(page, app, phone);
  await expect.poll(async () => (await codesFor(app, phone)).length).toBeGreaterThan(before);
  await page.locator("#otp").fill((await codesFor(app, phone)).at(-1)!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("#signed-in")).toBeVisible();
  return (await page.locator("#user-id").textContent()) ?? "";
}
