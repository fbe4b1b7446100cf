/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 that requires a login and keeps what
 * it receives, for tests that send mail through Gatehouse.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message as received. */
  raw: string;
  /** Headers and body with quoted-printable soft breaks and escapes undone. */
  decoded: string;
}

export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  logins: { username: string; password: string }[];
  close(): Promise<void>;
}

export const SMTP_USER = "mailer";

export async function startTestSmtp(password: string, port = 0): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const logins: { username: string; password: string }[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username ?? "", password: auth.password ?? "" });
      if (auth.username === SMTP_USER && auth.password === password) callback(null, { user: SMTP_USER });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          decoded: decodeQuotedPrintable(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    port: address.port,
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The magic link in a mail, and its parts. */
export function linkIn(mail: ReceivedMail): { link: string; preAuthSessionId: string; tenantId: string; linkCode: string } {
  const match = /https?:\/\/\S+\/verify\?\S+/.exec(mail.decoded);
  if (!match) throw new Error(`no link in the mail:\n${mail.decoded}`);
  return { link: match[0], ...linkParts(match[0]) };
}

export function linkParts(link: string): { preAuthSessionId: string; tenantId: string; linkCode: string } {
  const url = new URL(link);
  return { preAuthSessionId: url.searchParams.get("preAuthSessionId") ?? "", tenantId: url.searchParams.get("tenantId") ?? "", linkCode: url.hash.slice(1) };
}
