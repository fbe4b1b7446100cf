/**
 * One-time links (set-password for invites and the first admin) and second-factor challenges: a
 * random token handed out once, stored as its hash, usable once, until it expires. Issuing a new
 * one voids the operator's earlier ones of the same purpose.
 */
import { TeamError } from "./errors.ts";
import type { LinkPurpose, LinkRecord, TeamStore } from "./store/team-store.ts";
import { hashToken, isTokenShaped, newToken } from "./tokens.ts";

const GONE: Record<LinkPurpose, { unknown: string; used: string; expired: string }> = {
  "set-password": {
    unknown: "This set-password link is not valid. Ask an admin for a new one.",
    used: "This set-password link was already used. Sign in, or ask an admin for a new link.",
    expired: "This set-password link has expired. Ask an admin for a new one.",
  },
  "second-factor": {
    unknown: "This sign-in is not known. Sign in again.",
    used: "This sign-in was already completed. Sign in again.",
    expired: "This sign-in took too long. Sign in again.",
  },
};

export class OneTimeLinks {
  constructor(
    private readonly store: TeamStore,
    private readonly now: () => number,
    /** The server's public base URL, e.g. https://gatehouse.example.com. */
    private readonly publicUrl: string,
  ) {}

  async issue(userId: string, purpose: LinkPurpose, lifetimeMs: number): Promise<{ token: string; expiresAt: number }> {
    const now = this.now();
    await this.store.voidLinksOf(userId, purpose);
    await this.store.pruneLinks(now - 7 * 86_400_000);
    const token = newToken();
    const expiresAt = now + lifetimeMs;
    await this.store.addLink({ tokenHash: hashToken(token), purpose, userId, createdAt: now, expiresAt, usedAt: null });
    return { token, expiresAt };
  }

  /** Where a set-password token is used: the fragment never reaches a server log or a Referer. */
  urlFor(token: string): string {
    return `${this.publicUrl.replace(/\/+$/, "")}/#set-password=${token}`;
  }

  /** The link if it can be used now; otherwise a LINK_INVALID that says why. */
  async check(token: unknown, purpose: LinkPurpose): Promise<LinkRecord> {
    const gone = GONE[purpose];
    const link = isTokenShaped(token) ? await this.store.link(hashToken(token)) : undefined;
    if (!link || link.purpose !== purpose) throw new TeamError("LINK_INVALID", gone.unknown);
    if (link.usedAt !== null) throw new TeamError("LINK_INVALID", gone.used);
    if (link.expiresAt <= this.now()) throw new TeamError("LINK_INVALID", gone.expired);
    return link;
  }

  /** Uses the link: of two concurrent uses only one gets through. */
  async use(token: unknown, purpose: LinkPurpose): Promise<LinkRecord> {
    const link = await this.check(token, purpose);
    if (!(await this.store.useLink(link.tokenHash, purpose, this.now()))) throw new TeamError("LINK_INVALID", GONE[purpose].used);
    return link;
  }

  /** Makes a used link usable again, when what it was used for failed. */
  async release(link: LinkRecord): Promise<void> {
    await this.store.releaseLink(link.tokenHash);
  }
}
