/**
 * Users: the paged list with roles, flags and second-factor phones (metadata and roles fetched
 * in bulk per page, not per row), the detail of one user, and the changes an operator makes.
 */
import supertokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import type { z } from "zod";
import { GatehouseError } from "../../shared/contract/errors.ts";
import type { userOps } from "../../shared/contract/operations/users.ts";
import type { JsonObject, SecondFactor, UserRow } from "../../shared/contract/schemas.ts";
import type { DataContract } from "../../shared/data-contract.ts";
import type { CoreClient } from "../core/core-client.ts";
import { csvCell } from "./audit/export-format.ts";
import { mapLimit } from "./concurrency.ts";
import type { ActiveConnection } from "./connection.ts";
import type { RoleIndex } from "./role-index.ts";
import { cappedRecipes, pageOfMatches, searchQuery } from "./user-search.ts";
import { revokeSignInCodes, signInContacts } from "./sign-in-codes.ts";
import type { UsersIndexPort } from "../migration/index.ts";
import type { IndexFreshness } from "../../shared/contract/operations/migration.ts";
import { usesIndexFilter, type IndexFilters } from "../migration/user-index/users-page.ts";

type Out<N extends keyof typeof userOps> = z.output<(typeof userOps)[N]["output"]>;
type In<N extends keyof typeof userOps> = z.output<(typeof userOps)[N]["input"]>;
type SdkUser = NonNullable<Awaited<ReturnType<typeof supertokens.getUser>>>;
type ListQuery = { tenantId: string; order: "newest" | "oldest"; search?: string | undefined };
type UserPage = { users: SdkUser[]; nextPaginationToken?: string | undefined; offset?: number };

/**
 * Where pages of users come from: the Core's list (its tokens), or, for a search, the Core's one
 * answer paged here (the Core ignores the page size for searches and returns no token).
 */
interface UserSource {
  page(limit: number, token: string | undefined): Promise<UserPage>;
  /** For a search: how many users the Core returned, and the sign-in methods it cut off. */
  search?: { matches: number; capped: string[] };
}

/** SuperTokens user ids are UUIDs; any other id shown for a user is an external (mapped) one. */
const SUPERTOKENS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOKUP_CONCURRENCY = 8;
/** A second-factor filter looks at this many users per answer at most, 500 per Core page. */
const SCAN_CAP = 5_000;
const SCAN_PAGE = 500;

export class UsersService {
  constructor(
    private readonly connection: () => ActiveConnection,
    private readonly roles: RoleIndex,
    /** The local user index (main/migration/), for filters the Core cannot answer. */
    private readonly index: () => UsersIndexPort | undefined = () => undefined,
  ) {}

  /**
   * Whether the index answers this query: always for its own filters (temporary password, migration
   * state, invites); for the second-factor filter while the index is fresh (else the bounded scan).
   */
  private async fromIndex(profileId: string, f: IndexFilters): Promise<{ index: UsersIndexPort; fresh?: IndexFreshness } | undefined> {
    const index = this.index();
    if (!index) return undefined;
    if (usesIndexFilter(f)) return { index };
    if (f.secondFactor) {
      const fresh = await index.freshness(profileId);
      return fresh.state === "ready" && !fresh.stale ? { index, fresh } : undefined;
    }
    return undefined;
  }

  async list(input: In<"users.list">): Promise<Out<"users.list">> {
    const { core, profile } = this.connection();
    const fromIndex = await this.fromIndex(profile.id, input);
    if (fromIndex) {
      const page = await fromIndex.index.page(profile.id, input, fromIndex.fresh);
      return { rows: await this.indexRows(core, input.tenantId, page.rows), nextPaginationToken: page.nextPaginationToken, index: { ...page.index, matches: page.matches } };
    }
    const source = await this.source(core, input);
    const searchInfo = (offset: number) => (source.search ? { search: { ...source.search, offset } } : {});
    if (input.secondFactor) return { ...(await this.scanBySecondFactor(core, profile.contract, input, source, input.secondFactor)), ...searchInfo(0) };
    const page = await source.page(input.limit, input.paginationToken);
    const rows = await this.rows(core, profile.contract, input.tenantId, page.users);
    return { rows, nextPaginationToken: page.nextPaginationToken ?? null, ...searchInfo(page.offset ?? 0) };
  }

  private async source(core: CoreClient, q: ListQuery): Promise<UserSource> {
    const query = searchQuery(q.search);
    if (!query) return { page: (limit, token) => this.page(core, q, limit, token) };
    // One call: the Core returns every match it keeps whatever the limit (500 is the list's maximum).
    const { users } = await this.page(core, q, 500, undefined);
    return { page: async (limit, token) => pageOfMatches(users, q.order, limit, token), search: { matches: users.length, capped: cappedRecipes(users, query) } };
  }

  /**
   * Pages through the Core (500 users at a time) keeping the users in one second-factor state,
   * until `limit` match or SCAN_CAP users were looked at. Whole pages are kept, so the answer may
   * hold a few more than `limit`, and its token continues after the last page scanned. Metadata
   * decides most rows; only linked users need the look-up of their Passwordless user.
   */
  private async scanBySecondFactor(
    core: CoreClient,
    contract: DataContract,
    input: In<"users.list">,
    source: UserSource,
    state: SecondFactor["state"],
  ): Promise<Out<"users.list">> {
    const matches: UserRow[] = [];
    let token = input.paginationToken;
    let scanned = 0;
    do {
      const page = await source.page(SCAN_PAGE, token);
      scanned += page.users.length;
      const metadata = await core.metadataOf(page.users.map((u) => u.id));
      // An empty link is no link (as secondFactorOf and the backend kit read it).
      const linked = new Set([...metadata].filter(([, m]) => typeof m[contract.secondFactorUserIdKey] === "string" && m[contract.secondFactorUserIdKey] !== "").map(([id]) => id));
      const candidates = page.users.filter((u) => (state === "none") !== linked.has(u.id));
      const rows = await this.rows(core, contract, input.tenantId, candidates);
      matches.push(...rows.filter((r) => r.secondFactor.state === state));
      token = page.nextPaginationToken;
    } while (token && matches.length < input.limit && scanned < SCAN_CAP);
    return { rows: matches, nextPaginationToken: token ?? null, scanned };
  }

  async export(input: In<"users.export">): Promise<Out<"users.export">> {
    const { core, profile } = this.connection();
    const fromIndex = await this.fromIndex(profile.id, input);
    if (fromIndex) {
      const rows: UserRow[] = [];
      let token: string | undefined;
      let last: Awaited<ReturnType<UsersIndexPort["page"]>> | undefined;
      do {
        last = await fromIndex.index.page(profile.id, { ...input, limit: Math.min(500, input.max - rows.length), paginationToken: token }, fromIndex.fresh ?? last?.index);
        rows.push(...(await this.indexRows(core, input.tenantId, last.rows)));
        token = last.nextPaginationToken ?? undefined;
      } while (token && rows.length < input.max);
      return { csv: usersCsv(rows), rows: rows.length, truncated: token !== undefined, index: last.index };
    }
    const source = await this.source(core, input);
    const rows: UserRow[] = [];
    let token: string | undefined;
    do {
      // With the second-factor filter, whole pages are read and only the matching rows kept.
      const page = await source.page(input.secondFactor ? 500 : Math.min(500, input.max - rows.length), token);
      const pageRows = await this.rows(core, profile.contract, input.tenantId, page.users);
      rows.push(...(input.secondFactor ? pageRows.filter((r) => r.secondFactor.state === input.secondFactor) : pageRows));
      token = page.nextPaginationToken;
    } while (token && rows.length < input.max);
    rows.splice(input.max);
    const capped = source.search?.capped ?? [];
    return {
      csv: usersCsv(rows),
      rows: rows.length,
      truncated: token !== undefined || capped.length > 0,
      ...(capped.length ? { coreCapped: capped } : {}),
    };
  }

  async quickSearch(input: In<"users.quickSearch">): Promise<Out<"users.quickSearch">> {
    const { core } = this.connection();
    const page = await this.page(core, { tenantId: input.tenantId, order: "newest", search: input.text }, 10, undefined);
    return {
      hits: page.users.slice(0, 10).map((u) => ({ id: u.id, label: [...u.emails, ...u.phoneNumbers].join(", ") || u.id, tenantIds: u.tenantIds })),
    };
  }

  async get(userId: string): Promise<Out<"users.get">> {
    const { core, profile } = this.connection();
    const user = await this.requireUser(core, userId);
    return core.sdk(async () => {
      const [{ metadata }, mapping, rolesByTenant] = await Promise.all([
        UserMetadata.getUserMetadata(user.id),
        supertokens.getUserIdMapping({ userId: user.id, userIdType: "ANY" }),
        Promise.all(user.tenantIds.map(async (t) => [t, (await UserRoles.getRolesForUser(t, user.id)).roles.sort()] as const)),
      ]);
      const secondFactor = await this.secondFactorOf(core, profile.contract, metadata as JsonObject);
      const stId = mapping.status === "OK" && mapping.superTokensUserId !== user.id ? mapping.superTokensUserId : undefined;
      return {
        id: user.id,
        ...(stId ? { superTokensUserId: stId } : {}),
        timeJoined: user.timeJoined,
        tenantIds: user.tenantIds,
        loginMethods: user.loginMethods.map((m) => ({
          recipeId: m.recipeId,
          recipeUserId: m.recipeUserId.getAsString(),
          tenantIds: m.tenantIds,
          ...(m.email !== undefined ? { email: m.email } : {}),
          ...(m.phoneNumber !== undefined ? { phoneNumber: m.phoneNumber } : {}),
          verified: m.verified,
          timeJoined: m.timeJoined,
        })),
        metadata: metadata as JsonObject,
        rolesByTenant: Object.fromEntries(rolesByTenant),
        secondFactor,
        temporaryPassword: (metadata as JsonObject)[profile.contract.temporaryPasswordKey] === true,
      };
    });
  }

  async updateMetadata(input: In<"users.updateMetadata">): Promise<Out<"users.updateMetadata">> {
    const { core } = this.connection();
    const user = await this.requireUser(core, input.userId);
    const { metadata } = await core.sdk(() => UserMetadata.updateUserMetadata(user.id, input.update as Parameters<typeof UserMetadata.updateUserMetadata>[1]));
    return { metadata: metadata as JsonObject };
  }

  async addRole(input: In<"users.addRole">): Promise<Out<"users.addRole">> {
    const { core } = this.connection();
    const user = await this.requireUser(core, input.userId);
    const res = await core.sdk(() => UserRoles.addRoleToUser(input.tenantId, user.id, input.role));
    this.roles.invalidate();
    if (res.status === "UNKNOWN_ROLE_ERROR") throw new GatehouseError({ code: "NOT_FOUND", message: `There is no role "${input.role}". Create it under Roles first.` });
    return { alreadyHad: res.didUserAlreadyHaveRole };
  }

  async removeRole(input: In<"users.removeRole">): Promise<Out<"users.removeRole">> {
    const { core } = this.connection();
    const user = await this.requireUser(core, input.userId);
    const res = await core.sdk(() => UserRoles.removeUserRole(input.tenantId, user.id, input.role));
    this.roles.invalidate();
    if (res.status === "UNKNOWN_ROLE_ERROR") throw new GatehouseError({ code: "NOT_FOUND", message: `There is no role "${input.role}".` });
    return { hadRole: res.didUserHaveRole };
  }

  async sessions(userId: string): Promise<Out<"users.sessions">> {
    const { core } = this.connection();
    const user = await this.requireUser(core, userId);
    return core.sdk(async () => {
      const handles = await Session.getAllSessionHandlesForUser(user.id, true);
      const infos = await mapLimit(handles, LOOKUP_CONCURRENCY, (h) => Session.getSessionInformation(h));
      return {
        sessions: infos
          .filter((s): s is NonNullable<typeof s> => s !== undefined)
          .map((s) => ({
            sessionHandle: s.sessionHandle,
            tenantId: s.tenantId,
            timeCreated: s.timeCreated,
            expiry: s.expiry,
            accessTokenPayload: s.customClaimsInAccessTokenPayload as JsonObject,
          }))
          .sort((a, b) => b.timeCreated - a.timeCreated),
      };
    });
  }

  async revokeSession(input: In<"users.revokeSession">): Promise<Out<"users.revokeSession">> {
    const { core } = this.connection();
    return core.sdk(async () => {
      const info = await Session.getSessionInformation(input.sessionHandle);
      if (!info || info.userId !== input.userId) {
        throw new GatehouseError({ code: "NOT_FOUND", message: "That session has ended already, or belongs to another user." });
      }
      return { revoked: await Session.revokeSession(input.sessionHandle) };
    });
  }

  async revokeAllSessions(userId: string): Promise<Out<"users.revokeAllSessions">> {
    const { core } = this.connection();
    const user = await this.requireUser(core, userId);
    const revoked = await core.sdk(() => Session.revokeAllSessionsForUser(user.id));
    return { revoked: revoked.length };
  }

  async delete(input: In<"users.delete">): Promise<Out<"users.delete">> {
    const { core } = this.connection();
    const user = await this.requireUser(core, input.userId);
    // The same rule as the dialog: one of the user's emails, phone numbers or ids, exactly as shown.
    const identifiers = [user.id, ...user.emails, ...user.phoneNumbers, ...user.loginMethods.map((m) => m.recipeUserId.getAsString())];
    if (!identifiers.includes(input.confirm)) {
      const nearly = identifiers.some((v) => v.toLowerCase() === input.confirm.trim().toLowerCase());
      throw new GatehouseError({
        code: "VALIDATION",
        field: "confirm",
        message: `To delete this user, type their email, phone number or user id exactly as shown${nearly ? " (capitals and spaces count)" : ""}.`,
      });
    }
    // Their sign-in codes die first: a link still out would sign a new user up with their email or phone.
    await revokeSignInCodes(core, signInContacts(user, undefined), user.tenantIds);
    await core.sdk(() => supertokens.deleteUser(user.id));
    this.roles.invalidate();
    return { deleted: true };
  }

  private async requireUser(core: CoreClient, userId: string): Promise<SdkUser> {
    const user = await core.sdk(() => supertokens.getUser(userId));
    if (!user) throw new GatehouseError({ code: "NOT_FOUND", message: `There is no user ${userId} (any more).` });
    return user;
  }

  private page(core: CoreClient, q: ListQuery, limit: number, paginationToken: string | undefined) {
    const query = searchQuery(q.search);
    const args = { tenantId: q.tenantId, limit, ...(paginationToken ? { paginationToken } : {}), ...(query ? { query } : {}) };
    return core.sdk(() => (q.order === "newest" ? supertokens.getUsersNewestFirst(args) : supertokens.getUsersOldestFirst(args)));
  }

  /** Rows for a page: one bulk metadata call, the tenant's role index, and look-ups only where needed. */
  private async rows(core: CoreClient, contract: DataContract, tenantId: string, users: SdkUser[]): Promise<UserRow[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const [metadata, rolesByUser, mappings] = await Promise.all([
      core.metadataOf(ids),
      this.roles.rolesFor(core, tenantId, ids),
      this.superTokensIds(core, ids.filter((id) => !SUPERTOKENS_ID.test(id))),
    ]);
    const factors = await mapLimit(users, LOOKUP_CONCURRENCY, (u) => this.secondFactorOf(core, contract, metadata.get(u.id) ?? {}));
    return users.map((u, i) => {
      const meta = metadata.get(u.id) ?? {};
      const stId = mappings.get(u.id);
      return {
        id: u.id,
        ...(stId ? { superTokensUserId: stId } : {}),
        emails: u.emails,
        phoneNumbers: u.phoneNumbers,
        loginMethods: [...new Set(u.loginMethods.map((m) => m.recipeId))],
        tenantIds: u.tenantIds,
        timeJoined: u.timeJoined,
        emailVerified: u.loginMethods.some((m) => m.email !== undefined && m.verified),
        roles: rolesByUser.get(u.id) ?? [],
        temporaryPassword: meta[contract.temporaryPasswordKey] === true,
        secondFactor: factors[i] ?? { state: "none" },
      };
    });
  }

  /** Rows the user index answered, with live roles and the SuperTokens ids of mapped users (as rows() adds them). */
  private async indexRows(core: CoreClient, tenantId: string, rows: Awaited<ReturnType<UsersIndexPort["page"]>>["rows"]): Promise<UserRow[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [rolesByUser, mappings] = await Promise.all([this.roles.rolesFor(core, tenantId, ids), this.superTokensIds(core, ids.filter((id) => !SUPERTOKENS_ID.test(id)))]);
    return rows.map((r) => {
      const stId = mappings.get(r.id);
      return { ...r, ...(stId ? { superTokensUserId: stId } : {}), roles: rolesByUser.get(r.id) ?? [] };
    });
  }

  private async superTokensIds(core: CoreClient, externalIds: string[]): Promise<Map<string, string>> {
    const found = await core.sdk(() =>
      mapLimit(externalIds, LOOKUP_CONCURRENCY, async (id) => ({ id, mapping: await supertokens.getUserIdMapping({ userId: id, userIdType: "EXTERNAL" }) })),
    );
    return new Map(found.flatMap(({ id, mapping }) => (mapping.status === "OK" ? [[id, mapping.superTokensUserId] as const] : [])));
  }

  /** The second-factor phone a user's metadata points at (seed 03), or why it is broken. */
  private async secondFactorOf(core: CoreClient, contract: DataContract, metadata: JsonObject): Promise<SecondFactor> {
    const linked = metadata[contract.secondFactorUserIdKey];
    if (typeof linked !== "string" || linked === "") return { state: "none" };
    const phoneUser = await core.sdk(() => supertokens.getUser(linked));
    if (!phoneUser) return { state: "broken", passwordlessUserId: linked, reason: "missing-user" };
    const phone = phoneUser.loginMethods.find((m) => m.recipeId === "passwordless" && m.phoneNumber)?.phoneNumber;
    if (!phone) return { state: "broken", passwordlessUserId: linked, reason: "no-phone" };
    return { state: "enrolled", passwordlessUserId: linked, phoneNumber: phone };
  }
}

/** The users view as CSV, one row per user. */
function usersCsv(rows: readonly UserRow[]): string {
  const header = ["id", "supertokens_user_id", "emails", "phone_numbers", "login_methods", "tenants", "joined", "email_verified", "roles", "temporary_password", "second_factor", "second_factor_phone"];
  const lines = rows.map((r) =>
    [
      r.id,
      r.superTokensUserId ?? "",
      r.emails.join(" "),
      r.phoneNumbers.join(" "),
      r.loginMethods.join(" "),
      r.tenantIds.join(" "),
      new Date(r.timeJoined).toISOString(),
      r.emailVerified,
      r.roles.join(" "),
      r.temporaryPassword,
      r.secondFactor.state,
      r.secondFactor.state === "enrolled" ? r.secondFactor.phoneNumber : "",
    ]
      .map(csvCell)
      .join(","),
  );
  return [header.join(","), ...lines].join("\r\n") + "\r\n";
}
