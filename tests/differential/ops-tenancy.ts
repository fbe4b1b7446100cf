/**
 * Operations on tenants and sessions through supertokens-node. Tenant management only touches
 * this run's tenants (never `public`: a real Core is shared). Sessions are summarized (handle,
 * user, tenant) and their tokens kept in the world for later steps; tokens never print.
 */
import supertokens from "supertokens-node";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import Session from "supertokens-node/recipe/session";
import type { SessionContainer } from "supertokens-node/recipe/session";
import type { OpKind } from "./op.ts";
import type { SessionRef } from "./world.ts";

const s = (v: unknown): string => v as string;
const rid = (v: unknown) => supertokens.convertToRecipeUserId(s(v));

function summary(session: SessionContainer): Record<string, unknown> {
  return {
    handle: session.getHandle(),
    userId: session.getUserId(),
    recipeUserId: session.getRecipeUserId().getAsString(),
    tenantId: session.getTenantId(),
  };
}

function remember(session: SessionContainer, previous?: SessionRef): SessionRef {
  const tokens = session.getAllSessionTokensDangerously();
  return {
    handle: session.getHandle(),
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken ?? "",
    previousRefreshToken: previous?.refreshToken,
  };
}

const missing: SessionRef = { handle: "00000000-0000-0000-0000-000000000000", accessToken: "garbage", refreshToken: "garbage", previousRefreshToken: undefined };

export const tenancyOps: Record<string, OpKind> = {
  "Multitenancy.createOrUpdateTenant": {
    weight: 3,
    gen: (g) => ({ tenant: g.ownTenant(), config: g.tenantConfig() }),
    run: (a) => Multitenancy.createOrUpdateTenant(s(a.tenant), a.config as Record<string, never>),
  },
  "Multitenancy.deleteTenant": {
    weight: 1,
    gen: (g) => ({ tenant: g.ownTenant() }),
    run: (a) => Multitenancy.deleteTenant(s(a.tenant)),
  },
  "Multitenancy.getTenant": {
    weight: 2,
    // Not `public` (nor "", which reads as `public`): other clients of a shared Core may configure it.
    gen: (g) => ({ tenant: g.ownTenant() || "$T1" }),
    run: (a) => Multitenancy.getTenant(s(a.tenant)),
  },
  "Multitenancy.listAllTenants (this run's)": {
    weight: 1,
    gen: () => ({}),
    run: async (_a, w) => {
      const res = await Multitenancy.listAllTenants();
      return { ...res, tenants: res.tenants.filter((t) => t.tenantId.toLowerCase().includes(w.ns)) };
    },
  },
  "Multitenancy.associateUserToTenant": {
    weight: 3,
    gen: (g) => ({ tenant: g.tenant(), user: g.rng.chance(0.8) ? g.createdUser() : g.anyUser() }),
    run: (a) => Multitenancy.associateUserToTenant(s(a.tenant), rid(a.user)),
  },
  "Multitenancy.disassociateUserFromTenant": {
    weight: 2,
    gen: (g) => ({ tenant: g.tenant(), user: g.rng.chance(0.7) ? g.createdUser() : g.user() }),
    run: (a) => Multitenancy.disassociateUserFromTenant(s(a.tenant), rid(a.user)),
  },
  "Session.createNewSession": {
    weight: 3,
    gen: (g) => ({ tenant: g.tenant(), user: g.rng.chance(0.8) ? g.createdUser() : g.user(), payload: g.rng.pick([{}, { role: "x" }, { sub: "spoof" }]) }),
    run: async (a, w) => {
      const session = await Session.createNewSessionWithoutRequestResponse(s(a.tenant), rid(a.user), a.payload, {}, true);
      w.sessions.push(remember(session));
      return summary(session);
    },
  },
  "Session.getSession": {
    weight: 2,
    gen: (g) => ({ session: g.session(), checkDatabase: g.rng.chance(0.6) }),
    run: async (a) => {
      const ref = (a.session as SessionRef | undefined) ?? missing;
      const session = await Session.getSessionWithoutRequestResponse(ref.accessToken, undefined, {
        checkDatabase: a.checkDatabase as boolean,
        overrideGlobalClaimValidators: () => [],
      });
      return summary(session);
    },
  },
  "Session.refreshSession": {
    weight: 2,
    gen: (g) => ({ session: g.session(), token: g.rng.chance(0.8) ? "current" : "previous" }),
    run: async (a, w) => {
      const ref = (a.session as SessionRef | undefined) ?? missing;
      const token = a.token === "current" ? ref.refreshToken : (ref.previousRefreshToken ?? ref.refreshToken);
      const session = await Session.refreshSessionWithoutRequestResponse(token, true);
      const index = w.sessions.indexOf(ref);
      if (index >= 0) w.sessions[index] = remember(session, ref);
      return summary(session);
    },
  },
  "Session.revokeSession": {
    weight: 1,
    gen: (g) => ({ session: g.session() }),
    run: (a) => Session.revokeSession(((a.session as SessionRef | undefined) ?? missing).handle),
  },
  "Session.revokeAllSessionsForUser": {
    weight: 1,
    gen: (g) => ({ user: g.user(), tenant: g.rng.chance(0.5) ? g.tenant() : undefined }),
    run: (a) => Session.revokeAllSessionsForUser(s(a.user), true, a.tenant as string | undefined),
  },
  "Session.getAllSessionHandlesForUser": {
    weight: 2,
    gen: (g) => ({ user: g.user(), tenant: g.rng.chance(0.5) ? g.tenant() : undefined }),
    run: (a) => Session.getAllSessionHandlesForUser(s(a.user), true, a.tenant as string | undefined),
  },
  "Session.getSessionInformation": {
    weight: 1,
    gen: (g) => ({ session: g.session() }),
    run: async (a) => {
      const info = await Session.getSessionInformation(((a.session as SessionRef | undefined) ?? missing).handle);
      if (!info) return info;
      const { timeCreated: _created, expiry: _expiry, ...rest } = info;
      return { ...rest, recipeUserId: info.recipeUserId.getAsString() };
    },
  },
};
