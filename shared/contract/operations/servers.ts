/**
 * Gatehouse servers: the desktop's connections of kind "Gatehouse server" (a team server, where
 * the operator signs in and works with the role the server gives). The desktop keeps a name and
 * the server's address, nothing secret; the session lives in the server's own window.
 *
 * Every role may add, remove and open one, and each is audited: the link grants nothing (the
 * server decides who signs in and with which role), like switching profiles.
 */
import { z } from "zod";
import { op } from "../define.ts";
import { checkServerUrl } from "../../server-url.ts";

/** The server's address: its origin, held to shared/server-url.ts (https, loopback http, no credentials, no path). */
const serverUrl = z.string().transform((raw, ctx) => {
  const checked = checkServerUrl(raw);
  if (checked.ok) return checked.origin;
  ctx.addIssue({ code: "custom", message: checked.message });
  return z.NEVER;
});

export const serverView = z.object({
  id: z.string(),
  name: z.string(),
  /** The server's origin, e.g. https://gatehouse.example.com */
  url: z.string(),
  addedAt: z.number(),
});
export type ServerView = z.infer<typeof serverView>;

const serverId = z.string().trim().min(1, "a server id is required").max(100);

export const serverOps = {
  "servers.list": op({
    summary: "Gatehouse servers",
    permission: "profiles:read",
    mutates: false,
    input: z.object({}),
    output: z.object({ servers: z.array(serverView) }),
  }),
  "servers.add": op({
    summary: "Add a Gatehouse server",
    permission: "servers:write",
    mutates: true,
    input: z.object({ name: z.string().trim().min(1, "a name is required").max(80, "a name is at most 80 characters"), url: serverUrl }),
    output: serverView,
    target: (i) => i.url,
  }),
  "servers.open": op({
    // Audited like a profile switch: the operator moves to another console.
    summary: "Open a Gatehouse server",
    permission: "servers:write",
    mutates: true,
    input: z.object({ id: serverId }),
    /** openedByMain: the desktop app opened its own window; false (browser mode): the page opens url in a new tab. */
    output: z.object({ url: z.string(), openedByMain: z.boolean() }),
    target: (i) => i.id,
  }),
  "servers.remove": op({
    summary: "Remove a Gatehouse server",
    permission: "servers:write",
    mutates: true,
    input: z.object({ id: serverId }),
    output: z.object({ removed: z.boolean() }),
    target: (i) => i.id,
  }),
};
