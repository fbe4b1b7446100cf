/**
 * Who else points at a phone user. The Core has no index on metadata values, so this is a scan:
 * every tenant's users, oldest first, 500 a page, their metadata read in bulk (one call a page),
 * the next page asked for while the metadata of this one is read. It stops at a cap and says so:
 * a cut scan proves nothing, and callers then treat the phone user as possibly shared.
 */
import supertokens from "supertokens-node";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import { maskPhone } from "../../../shared/phone-mask.ts";
import type { CoreClient } from "../../core/core-client.ts";
import type { SdkUser } from "./state.ts";

/** At most this many users are looked at per scan (40 pages and 40 bulk metadata reads). */
export const POINTER_SCAN_CAP = 20_000;
const PAGE = 500;

export interface Pointer {
  userId: string;
  /** Emails and phones, for a person to recognise the user (phones masked when asked). */
  label: string;
}

export interface PointerScan {
  /** Phone user id → the users whose metadata link names it. */
  pointers: Map<string, Pointer[]>;
  scanned: number;
  /** False when the cap stopped the scan: someone not looked at may point there too. */
  complete: boolean;
}

type Page = Awaited<ReturnType<typeof supertokens.getUsersOldestFirst>>;

export async function scanPointers(core: CoreClient, linkKey: string, targets: readonly string[], options: { cap?: number; maskPhones?: boolean } = {}): Promise<PointerScan> {
  const cap = options.cap ?? POINTER_SCAN_CAP;
  const wanted = new Set(targets);
  const pointers = new Map<string, Pointer[]>(targets.map((t) => [t, []]));
  const seen = new Set<string>();
  const label = (u: SdkUser) => [...u.emails, ...u.phoneNumbers.map((p) => (options.maskPhones ? maskPhone(p) : p))].join(", ") || u.id;
  if (wanted.size === 0) return { pointers, scanned: 0, complete: true };

  const { tenants } = await core.sdk(() => Multitenancy.listAllTenants());
  const tenantIds = tenants.map((t) => t.tenantId);
  const list = (tenantId: string, token: string | undefined): Promise<Page> =>
    core.sdk(() => supertokens.getUsersOldestFirst({ tenantId, limit: PAGE, ...(token ? { paginationToken: token } : {}) }));

  for (const [i, tenantId] of tenantIds.entries()) {
    let next: Promise<Page> | undefined = list(tenantId, undefined);
    while (next) {
      const page: Page = await next;
      // A user in several tenants is listed in each: look at them once.
      const fresh = page.users.filter((u) => !seen.has(u.id)).slice(0, cap - seen.size);
      for (const u of fresh) seen.add(u.id);
      const cut = seen.size >= cap && (page.nextPaginationToken !== undefined || fresh.length < page.users.length || i < tenantIds.length - 1);
      // Overlap: the next page travels while this page's metadata is read.
      next = !cut && page.nextPaginationToken ? list(tenantId, page.nextPaginationToken) : undefined;
      const metadata = await core.metadataOf(fresh.map((u) => u.id));
      for (const u of fresh) {
        const linked = metadata.get(u.id)?.[linkKey];
        if (typeof linked === "string" && wanted.has(linked)) pointers.get(linked)?.push({ userId: u.id, label: label(u) });
      }
      if (cut) return { pointers, scanned: seen.size, complete: false };
    }
  }
  return { pointers, scanned: seen.size, complete: true };
}
