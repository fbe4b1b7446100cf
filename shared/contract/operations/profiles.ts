import { z } from "zod";
import { op } from "../define.ts";
import { contractKeys, operatorRole, profileView, tenantId } from "../schemas.ts";

/** Core URIs, ";"-separated as SuperTokens allows; each must be http(s). */
const uris = z
  .array(z.string().trim().url("each Core URI must be a URL like http://localhost:3567").regex(/^https?:\/\//i, "Core URIs use http or https"))
  .min(1, "at least one Core URI is required");

const profileFields = {
  name: z.string().trim().min(1, "a name is required").max(80),
  uris,
  role: operatorRole,
  defaultTenant: tenantId,
  timeoutMs: z.number().int().min(500, "the timeout is at least 500 ms").max(120_000, "the timeout is at most 120 s"),
  contract: contractKeys,
};

/** What a test found, for the headline: a refused or missing API key is neither "unreachable" nor "unsupported". */
const testState = z.enum(["connected", "unreachable", "key-refused", "key-missing", "incompatible"]);

const testResult = z.object({
  reachable: z.boolean(),
  /** The URI that answered (with several, the one calls go to first); null when none did. */
  uri: z.string().nullable(),
  state: testState,
  /** Each URI of the profile on its own. */
  uris: z.array(z.object({ uri: z.string(), state: testState, message: z.string() })),
  cdiVersions: z.array(z.string()),
  supported: z.boolean(),
  tenants: z.array(z.string()),
  message: z.string(),
});

export const profileOps = {
  "profiles.list": op({
    summary: "Connection profiles",
    permission: "profiles:read",
    mutates: false,
    input: z.object({}),
    output: z.object({ profiles: z.array(profileView) }),
  }),
  "profiles.create": op({
    summary: "Add a connection profile",
    permission: "profiles:write",
    mutates: true,
    input: z.object({ ...profileFields, apiKey: z.string().trim().min(1).optional() }),
    output: profileView,
    target: (i) => i.name,
  }),
  "profiles.update": op({
    summary: "Edit a connection profile",
    permission: "profiles:write",
    mutates: true,
    input: z.object({
      id: z.string(),
      ...z.object(profileFields).partial().shape,
      /** A new key, or null to remove it; absent keeps the stored one. */
      apiKey: z.string().trim().min(1).nullable().optional(),
    }),
    output: profileView,
    target: (i) => i.id,
  }),
  "profiles.remove": op({
    summary: "Remove a connection profile",
    permission: "profiles:write",
    mutates: true,
    input: z.object({ id: z.string() }),
    output: z.object({ removed: z.boolean() }),
    target: (i) => i.id,
  }),
  "profiles.switch": op({
    // Every role may switch (the role belongs to the profile), and every switch is audited: an
    // operator who moves to a profile with a stronger role leaves a trace.
    summary: "Make a profile the active one",
    permission: "profiles:switch",
    mutates: true,
    input: z.object({ id: z.string() }),
    output: profileView,
    target: (i) => i.id,
  }),
  "profiles.test": op({
    summary: "Test a saved profile, or unsaved settings, against its Core",
    permission: "profiles:read",
    mutates: false,
    input: z.union([
      z.object({ id: z.string() }),
      z.object({
        uris,
        apiKey: z.string().trim().min(1).optional(),
        timeoutMs: profileFields.timeoutMs,
        /** While editing a saved profile: use its stored key when no new one is typed. */
        keyFrom: z.string().optional(),
      }),
    ]),
    output: testResult,
  }),
};
