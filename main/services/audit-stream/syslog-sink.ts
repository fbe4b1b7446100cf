/**
 * Streams audit entries to syslog (RFC 5424) over UDP, or TCP with octet counting (RFC 6587):
 * facility "authpriv" (10), severity "notice", an error outcome as "warning"; the message is the
 * entry's JSON line. UDP keeps a slow collector from ever slowing a change; TCP reconnects on the
 * next entry after a drop, and what it could not send stays in the audit log.
 */
import { createSocket } from "node:dgram";
import { hostname } from "node:os";
import { connect, type Socket } from "node:net";
import type { AuditEntry } from "../../../shared/contract/schemas.ts";
import { auditLine, FailureNotice, type AuditSink } from "./sink.ts";

export interface SyslogTarget {
  host: string;
  port: number;
  protocol: "udp" | "tcp";
  /** APP-NAME of the messages (default "gatehouse"). */
  appName?: string;
}

const AUTHPRIV = 10;
const NOTICE = 5;
const WARNING = 4;

export function syslogMessage(entry: AuditEntry, appName: string, host = hostname()): string {
  const pri = AUTHPRIV * 8 + (entry.outcome === "error" ? WARNING : NOTICE);
  return `<${pri}>1 ${new Date(entry.at).toISOString()} ${host || "-"} ${appName} ${process.pid} audit - ${auditLine(entry)}`;
}

export function syslogSink(target: SyslogTarget, warn: (line: string) => void = console.warn): AuditSink {
  const appName = target.appName ?? "gatehouse";
  const notice = new FailureNotice(`syslog ${target.protocol}://${target.host}:${target.port}`, warn);
  return target.protocol === "udp" ? udp(target, appName, notice) : tcp(target, appName, notice);
}

function udp(target: SyslogTarget, appName: string, notice: FailureNotice): AuditSink {
  const socket = createSocket(target.host.includes(":") ? "udp6" : "udp4");
  socket.unref();
  return {
    write(entry) {
      socket.send(syslogMessage(entry, appName), target.port, target.host, (err) => (err ? notice.failed(err) : notice.worked()));
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function tcp(target: SyslogTarget, appName: string, notice: FailureNotice): AuditSink {
  let socket: Socket | undefined;
  const open = (): Socket => {
    if (socket && !socket.destroyed) return socket;
    const s = connect({ host: target.host, port: target.port });
    s.unref();
    s.on("error", (err) => {
      notice.failed(err);
      s.destroy();
    });
    socket = s;
    return s;
  };
  return {
    write(entry) {
      const message = Buffer.from(syslogMessage(entry, appName), "utf8");
      open().write(`${message.length} ${message.toString("utf8")}`, (err) => (err ? notice.failed(err) : notice.worked()));
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!socket || socket.destroyed) return resolve();
        socket.end(() => resolve());
      }),
  };
}
