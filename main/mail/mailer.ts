/**
 * Sends mail over SMTP with nodemailer. Failures become one clear error naming the server and
 * the reason; the caller decides what to record.
 */
import nodemailer from "nodemailer";
import { GatehouseError } from "../../shared/contract/errors.ts";

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  username: string;
  password: string | undefined;
  from: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(smtp: SmtpConfig, message: MailMessage): Promise<{ messageId: string }>;
}

const TIMEOUT_MS = 15_000;

export class SmtpMailer implements Mailer {
  async send(smtp: SmtpConfig, message: MailMessage): Promise<{ messageId: string }> {
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? "" } } : {}),
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
    try {
      const info = await transport.sendMail({ from: smtp.from, to: message.to, subject: message.subject, text: message.text });
      return { messageId: String(info.messageId) };
    } catch (err) {
      throw new MailError(smtp, err);
    } finally {
      transport.close();
    }
  }
}

/** The mail server could not be reached or refused the message. */
export class MailError extends GatehouseError {
  readonly reason: string;

  constructor(smtp: Pick<SmtpConfig, "host" | "port">, err: unknown) {
    const reason = describe(err);
    super({ code: "MAIL_FAILED", message: `The mail server ${smtp.host}:${smtp.port} did not take the message: ${reason}` });
    this.reason = reason;
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: string; response?: string };
  if (e.code === "ECONNREFUSED" || /ECONNREFUSED/.test(e.message)) return "connection refused (is the SMTP server running, and is the port right?)";
  if (e.code === "EAUTH") return `authentication failed${e.response ? ` (${e.response})` : ""}: check the username and password`;
  if (e.code === "ETIMEDOUT" || /timeout/i.test(e.message)) return "it did not answer in time";
  if (e.code === "EDNS") return "the host name could not be resolved";
  return e.message;
}
