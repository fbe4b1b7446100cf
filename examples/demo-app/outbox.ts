/**
 * Where the demo app's messages go: always into an in-process outbox (which tests and the
 * `/dev/outbox` endpoint read), and mail also to a real SMTP server when one is configured.
 */
import nodemailer, { type Transporter } from "nodemailer";

export interface OutboxMessage {
  channel: "email" | "sms";
  to: string;
  subject?: string;
  text: string;
  /** The OTP, when the message carries one. */
  code?: string;
  /** The magic link, when the message carries one. */
  link?: string;
  sentAt: number;
}

export interface SmtpConfig {
  host: string;
  port: number;
  from: string;
  /** Use TLS from the start (port 465). Default false: plain, upgraded with STARTTLS when offered. */
  secure?: boolean;
  user?: string;
  pass?: string;
}

export class Outbox {
  readonly messages: OutboxMessage[] = [];
  private readonly transport: Transporter | undefined;

  constructor(private readonly smtp?: SmtpConfig) {
    this.transport = smtp
      ? nodemailer.createTransport({
          host: smtp.host,
          port: smtp.port,
          secure: smtp.secure ?? false,
          ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? "" } } : {}),
        })
      : undefined;
  }

  /** Record the message; mail also goes out over SMTP when configured (a failure throws). */
  async send(message: Omit<OutboxMessage, "sentAt">): Promise<void> {
    this.messages.push({ ...message, sentAt: Date.now() });
    if (message.channel === "email" && this.transport && this.smtp) {
      await this.transport.sendMail({ from: this.smtp.from, to: message.to, subject: message.subject ?? "", text: message.text });
    }
  }

  close(): void {
    this.transport?.close();
  }
}
