/**
 * A Transport test double for the renderer's unit tests: answers each operation from a handler,
 * records the calls, and lets a test push events. The real stack is covered by the e2e tests.
 */
import { allowedOperations } from "../../shared/contract/allowances.ts";
import type { EventHandler, Transport } from "../../shared/contract/client.ts";
import { GatehouseError, type Envelope, type ErrorBody } from "../../shared/contract/errors.ts";
import type { EventName, EventPayload } from "../../shared/contract/events.ts";
import type { InputOf, OperationName, OutputOf } from "../../shared/contract/index.ts";
import type { JsonObject, ProfileView, UserRow } from "../../shared/contract/schemas.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";
import { ROLE_PERMISSIONS, type OperatorRole } from "../../shared/contract/permissions.ts";

export type Handlers = { [N in OperationName]?: (input: InputOf<N>) => OutputOf<N> | Promise<OutputOf<N>> };

export interface FakeTransport extends Transport {
  calls: { op: string; input: unknown }[];
  callsOf(op: OperationName): unknown[];
  emit<N extends EventName>(name: N, payload: EventPayload<N>): void;
}

export function fakeTransport(handlers: Handlers): FakeTransport {
  const calls: { op: string; input: unknown }[] = [];
  const listeners = new Set<EventHandler>();
  return {
    calls,
    callsOf: (op) => calls.filter((c) => c.op === op).map((c) => c.input),
    async invoke(op, input): Promise<Envelope<unknown>> {
      calls.push({ op, input });
      const handler = handlers[op as OperationName] as ((i: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: "INTERNAL", message: `fake transport has no handler for ${op}` } };
      try {
        return { ok: true, value: await handler(input) };
      } catch (err) {
        const error: ErrorBody = err instanceof GatehouseError ? err.toBody() : { code: "INTERNAL", message: String(err) };
        return { ok: false, error };
      }
    },
    subscribe(handler) {
      listeners.add(handler);
      return () => listeners.delete(handler);
    },
    emit(name, payload) {
      for (const l of listeners) l(name, payload);
    },
  };
}

export function profile(role: OperatorRole, overrides: Partial<ProfileView> = {}): ProfileView {
  return {
    id: "p1",
    name: "Local demo",
    uris: ["http://127.0.0.1:3567"],
    hasApiKey: false,
    role,
    defaultTenant: "public",
    timeoutMs: 10_000,
    contract: { ...DEFAULT_DATA_CONTRACT },
    embedded: true,
    active: true,
    ...overrides,
  };
}

export function userRow(i: number, overrides: Partial<UserRow> = {}): UserRow {
  return {
    id: `user-${i}`,
    emails: [`user${i}@example.com`],
    phoneNumbers: [],
    loginMethods: ["emailpassword"],
    tenantIds: ["public"],
    timeJoined: 1_700_000_000_000 + i,
    emailVerified: true,
    roles: [],
    temporaryPassword: false,
    secondFactor: { state: "none" },
    ...overrides,
  };
}

/** Handlers for a console session in `role`, with one user and one role; tests add or override. */
export function sessionHandlers(role: OperatorRole, metadata: JsonObject = { plan: "pro" }): Handlers {
  return {
    "session.whoami": () => ({ operator: "tester", role, permissions: [...ROLE_PERMISSIONS[role]], operations: allowedOperations(role), profile: profile(role), mode: "desktop" }),
    "connection.status": () => ({ profileId: "p1", state: "connected", cdiVersion: "5.4", message: null }),
    "tenants.list": () => ({ tenants: [{ tenantId: "public" }, { tenantId: "acme" }] }),
    "users.list": () => ({ rows: [userRow(1, { secondFactor: { state: "enrolled", passwordlessUserId: "pl-1", phoneNumber: "+14155550123" } })], nextPaginationToken: null }),
    "users.get": ({ userId }) => ({
      id: userId,
      timeJoined: 1_700_000_000_000,
      tenantIds: ["public"],
      loginMethods: [{ recipeId: "emailpassword", recipeUserId: userId, tenantIds: ["public"], email: "ada@example.com", verified: true, timeJoined: 1_700_000_000_000 }],
      metadata,
      rolesByTenant: { public: ["support"] },
      secondFactor: { state: "enrolled", passwordlessUserId: "pl-1", phoneNumber: "+14155550123" },
      temporaryPassword: false,
    }),
    "users.sessions": () => ({ sessions: [{ sessionHandle: "s-1", tenantId: "public", timeCreated: 1_700_000_000_000, expiry: 1_800_000_000_000, accessTokenPayload: {} }] }),
    "roles.list": () => ({ roles: [{ role: "support", permissions: ["users:read"], userCount: 1 }, { role: "admin", permissions: ["users:write"], userCount: 2 }] }),
    "roles.users": () => ({ users: [{ id: "user-1", label: "ada@example.com" }], total: 1, offset: 0 }),
    "profiles.list": () => ({ profiles: [profile(role), profile(role, { id: "p2", name: "Production", active: false, embedded: false, hasApiKey: true })] }),
    "audit.list": () => ({ entries: [], total: 0, position: 0, nextBeforeSeq: null, newerAfterSeq: null }),
    "audit.operations": () => ({ operations: [] }),
  };
}
