import { z } from "zod";
import { op } from "../define.ts";
import { auditEntry } from "../schemas.ts";

export const auditFilter = z.object({
  operator: z.string().trim().optional(),
  operation: z.string().trim().optional(),
  target: z.string().trim().optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
});

export const auditOps = {
  "audit.list": op({
    summary: "Audit entries, newest first",
    permission: "audit:read",
    mutates: false,
    input: auditFilter.extend({ limit: z.number().int().min(1).max(1000), beforeSeq: z.number().int().optional() }),
    output: z.object({ entries: z.array(auditEntry), nextBeforeSeq: z.number().nullable() }),
  }),
  "audit.verify": op({
    summary: "Check the audit log's hash chain",
    permission: "audit:read",
    mutates: false,
    input: z.object({}),
    output: z.object({ ok: z.boolean(), checked: z.number(), brokenAtSeq: z.number().nullable(), message: z.string() }),
  }),
  "audit.export": op({
    summary: "The audit log as JSON lines or CSV",
    permission: "audit:read",
    mutates: false,
    input: auditFilter.extend({ format: z.enum(["jsonl", "csv"]) }),
    output: z.object({ content: z.string(), entries: z.number() }),
  }),
};
