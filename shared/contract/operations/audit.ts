import { z } from "zod";
import { op } from "../define.ts";
import { auditEntry } from "../schemas.ts";

/** Filters of the audit log. Operator and operation match whatever their case; from and to are inclusive (ms). */
export const auditFilter = z.object({
  operator: z.string().trim().optional(),
  operation: z.string().trim().optional(),
  target: z.string().trim().optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
});

/** A range that ends before it starts matches nothing; say so, naming the field, rather than answer empty. */
const fromNotAfterTo = (f: { from?: number | undefined; to?: number | undefined }): boolean => f.from === undefined || f.to === undefined || f.from <= f.to;
const FROM_AFTER_TO: { path: string[]; message: string } = {
  path: ["from"],
  message: "“From” is after “To”, so no entry could match: choose a “From” time before the “To” time.",
};

export const auditOps = {
  "audit.list": op({
    summary: "Audit entries, newest first",
    permission: "audit:read",
    mutates: false,
    input: auditFilter
      .extend({
        limit: z.number().int().min(1).max(1000),
        /** The page older than this entry. */
        beforeSeq: z.number().int().optional(),
        /** The page newer than this entry. */
        afterSeq: z.number().int().optional(),
        /** The oldest page. */
        oldest: z.boolean().optional(),
      })
      .refine(fromNotAfterTo, FROM_AFTER_TO),
    output: z.object({
      entries: z.array(auditEntry),
      /** Entries matching the filter. */
      total: z.number(),
      /** Matching entries newer than this page's first (0 on the newest page). */
      position: z.number(),
      /** As beforeSeq, the next older page; null on the oldest. */
      nextBeforeSeq: z.number().nullable(),
      /** As afterSeq, the next newer page; null on the newest. */
      newerAfterSeq: z.number().nullable(),
    }),
  }),
  "audit.operations": op({
    summary: "Operations found in the audit log, for its filter",
    permission: "audit:read",
    mutates: false,
    input: z.object({}),
    output: z.object({ operations: z.array(z.string()) }),
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
    input: auditFilter.extend({ format: z.enum(["jsonl", "csv"]) }).refine(fromNotAfterTo, FROM_AFTER_TO),
    output: z.object({ content: z.string(), entries: z.number() }),
  }),
};
