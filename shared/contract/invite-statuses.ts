/** Invite statuses and the list's filters, zod-free so the renderer can use the values (see limits.ts). */
export const INVITE_STATUSES = ["pending", "accepted", "link-expired", "revoked"] as const;
export const INVITE_FILTERS = ["all", ...INVITE_STATUSES] as const;
export type InviteFilter = (typeof INVITE_FILTERS)[number];
