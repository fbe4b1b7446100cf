import { z } from "zod";
import { event } from "./define.ts";
import { JOB_STATES } from "./operations/jobs.ts";

/** Events the main process pushes to the renderer. */
export const EVENTS = {
  "connection.changed": event(
    z.object({
      profileId: z.string().nullable(),
      state: z.enum(["connected", "unreachable", "unauthorised", "incompatible", "none"]),
      message: z.string().nullable(),
    }),
  ),
  "audit.appended": event(z.object({ seq: z.number(), operation: z.string() })),
  /** A job's counts and ETA, at most a few times a second per job, and on every state change. */
  "job.progress": event(
    z.object({
      jobId: z.string(),
      /** The job's profile: a console shows the jobs of the profile in force only. */
      profileId: z.string(),
      state: z.enum(JOB_STATES),
      done: z.number(),
      failed: z.number(),
      skipped: z.number(),
      total: z.number(),
      etaMs: z.number().nullable(),
    }),
  ),
};

export type EventName = keyof typeof EVENTS;
export type EventPayload<N extends EventName> = z.infer<(typeof EVENTS)[N]["payload"]>;
