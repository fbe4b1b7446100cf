/**
 * A password-reset link: a token from the Core (EmailPassword.createResetPasswordToken) on the
 * app's reset page, as supertokens' prebuilt UI and the demo app expect it:
 * <app URL><website base path>/reset-password?token=…&tenantId=…
 * Its lifetime is the Core's password_reset_token_lifetime (the tenant's, when the Core says it).
 */
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import type { InviteSettings } from "../../../shared/contract/operations/invites.ts";
import type { CoreClient } from "../../core/core-client.ts";

export interface ResetLink {
  link: string;
  expiresAt: number;
  lifetimeMs: number;
}

/** The Core's default password_reset_token_lifetime (1 hour). */
export const DEFAULT_RESET_LIFETIME_MS = 3_600_000;
const LIFETIME_CACHE_MS = 60_000;
const lifetimes = new Map<string, { at: number; ms: number }>();

/** The token lifetime of a tenant (cached a minute per Core and tenant: jobs ask for every item). */
export async function resetTokenLifetime(core: CoreClient, tenantId: string): Promise<number> {
  const key = `${core.label}\u0000${tenantId}`;
  const cached = lifetimes.get(key);
  if (cached && Date.now() - cached.at < LIFETIME_CACHE_MS) return cached.ms;
  const tenant = await core.sdk(() => Multitenancy.getTenant(tenantId));
  const configured = (tenant?.coreConfig as Record<string, unknown> | undefined)?.password_reset_token_lifetime;
  const ms = typeof configured === "number" && configured > 0 ? configured : DEFAULT_RESET_LIFETIME_MS;
  lifetimes.set(key, { at: Date.now(), ms });
  return ms;
}

export function resetPageUrl(settings: Pick<InviteSettings, "appUrl" | "websiteBasePath">, tenantId: string, token: string): string {
  const origin = settings.appUrl.trim().replace(/\/+$/, "");
  const trimmed = settings.websiteBasePath.trim().replace(/^\/+|\/+$/g, "");
  const basePath = trimmed ? `/${trimmed}` : "";
  return `${origin}${basePath}/reset-password?token=${encodeURIComponent(token)}&tenantId=${encodeURIComponent(tenantId)}`;
}

/** A fresh reset link for the user's email-password login (userId: the id the Core reports, the legacy id once mapped). */
export async function createResetLink(
  core: CoreClient,
  settings: Pick<InviteSettings, "appUrl" | "websiteBasePath">,
  who: { tenantId: string; userId: string; email: string },
  now: () => number,
): Promise<ResetLink> {
  const lifetimeMs = await resetTokenLifetime(core, who.tenantId);
  const made = await core.sdk(() => EmailPassword.createResetPasswordToken(who.tenantId, who.userId, who.email));
  if (made.status !== "OK") throw new GatehouseError({ code: "NOT_FOUND", message: `The Core has no user ${who.userId} to reset the password of (${made.status}).` });
  return { link: resetPageUrl(settings, who.tenantId, made.token), expiresAt: now() + lifetimeMs, lifetimeMs };
}
