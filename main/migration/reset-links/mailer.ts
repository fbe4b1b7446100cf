/**
 * Reset mail over SMTP with a commit point, so that a job killed mid-send neither loses a mail
 * nor sends a second one.
 *
 * A mail counts as sent once the server has the whole message and its end mark (the lone "."
 * line); until then a dropped connection discards it. So the sender writes the message, and only
 * then, right before the end mark goes out, calls `commit()` and waits for it (it journals
 * "mailing" in the marks' store); a repeat after a crash that finds "mailing" knows the end mark was on
 * its way and does not mail again. A crash before the commit leaves nothing on the server (the
 * connection drops inside DATA) and nothing in the journal: the repeat mails. The server's answer
 * after the end mark (a refusal) still turns the item back into "not sent".
 */
import { Readable } from "node:stream";
import MailComposer from "nodemailer/lib/mail-composer";
import SMTPConnection from "nodemailer/lib/smtp-connection";
import { MailError, type MailMessage, type Mailer, type SmtpConfig } from "../../mail/mailer.ts";

export interface CommitHooks {
  /** Called once the message is with the server, right before its end mark (which waits for it); throwing or rejecting aborts the send. */
  commit?: () => void | Promise<void>;
  /** A Message-ID of our own (angle brackets included), e.g. the same one for every try of a job's item. */
  messageId?: string;
}

export interface CommittingMailer {
  send(smtp: SmtpConfig, message: MailMessage, hooks?: CommitHooks): Promise<{ messageId: string }>;
}

const TIMEOUT_MS = 15_000;

/** Pushes the message, then (on the next read: the message is with the connection) commits and ends. */
class HeldMessage extends Readable {
  private pushed = false;

  constructor(
    private readonly content: Buffer,
    private readonly commit: (() => void | Promise<void>) | undefined,
  ) {
    super();
  }

  override _read(): void {
    if (!this.pushed) {
      this.pushed = true;
      this.push(this.content);
      return;
    }
    const fail = (err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err)));
    let committed: void | Promise<void>;
    try {
      committed = this.commit?.();
    } catch (err) {
      fail(err);
      return;
    }
    // The end mark goes out only once the commit is written.
    Promise.resolve(committed).then(() => this.push(null), fail);
  }
}

/** The message as sent, and its SMTP envelope (bare addresses: "Name <a@b>" is not a sender to MAIL FROM). */
function compose(smtp: SmtpConfig, message: MailMessage, messageId: string | undefined): Promise<{ content: Buffer; envelope: { from: string; to: string[] } }> {
  const node = new MailComposer({ from: smtp.from, to: message.to, subject: message.subject, text: message.text, ...(messageId ? { messageId } : {}) }).compile();
  const envelope = node.getEnvelope();
  return new Promise((resolve, reject) =>
    node.build((err, content) => (err ? reject(err) : resolve({ content, envelope: { from: envelope.from || smtp.from, to: envelope.to.length > 0 ? envelope.to : [message.to] } }))),
  );
}

export class SmtpCommittingMailer implements CommittingMailer {
  async send(smtp: SmtpConfig, message: MailMessage, hooks: CommitHooks = {}): Promise<{ messageId: string }> {
    const { content, envelope } = await compose(smtp, message, hooks.messageId);
    const messageId = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(content.toString("utf8", 0, Math.min(content.length, 4096)))?.[1] ?? hooks.messageId ?? "";
    const connection = new SMTPConnection({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
    const failed = new Promise<never>((_, reject) => connection.once("error", reject));
    failed.catch(() => {}); // raced below; a late error after success is of no interest
    const step = <T>(run: (done: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> =>
      Promise.race([failed, new Promise<T>((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))))]);
    try {
      await step<void>((done) => connection.connect(() => done(null)));
      if (smtp.username) await step<unknown>((done) => connection.login({ user: smtp.username, pass: smtp.password ?? "" }, (err) => done(err)));
      await step<unknown>((done) => connection.send(envelope, new HeldMessage(content, hooks.commit), (err, info) => done(err, info)));
      connection.quit();
      return { messageId };
    } catch (err) {
      connection.close();
      throw new MailError(smtp, err);
    }
  }
}

/**
 * A plain Mailer (e.g. one a test injects into Gatehouse) used as a CommittingMailer: it cannot
 * commit before the end mark, so it commits before sending (a crash then may lose a mail, never
 * send a second).
 */
export function committingFrom(mailer: Mailer): CommittingMailer {
  return {
    async send(smtp, message, hooks = {}) {
      await hooks.commit?.();
      return mailer.send(smtp, message);
    },
  };
}
