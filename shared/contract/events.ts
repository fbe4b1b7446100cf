import { z } from "zod";
import { event } from "./define.ts";

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
};

export type EventName = keyof typeof EVENTS;
export type EventPayload<N extends EventName> = z.infer<(typeof EVENTS)[N]["payload"]>;
