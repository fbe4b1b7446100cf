/**
 * Reading the Core with raw CDI calls (the headers supertokens-node sends), to check what a
 * Gatehouse operation did on the Core without going through Gatehouse's own client.
 */
export interface CoreUser {
  id: string;
  emails: string[];
  phoneNumbers: string[];
  loginMethods: { recipeId: string; recipeUserId: string; phoneNumber?: string; email?: string }[];
}

export function coreReads(url: string, apiKey?: string) {
  const call = async <T>(method: "GET" | "POST", path: string, query: Record<string, string>, body?: unknown): Promise<T> => {
    const target = new URL(url.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
    const headers: Record<string, string> = { "cdi-version": "5.4", ...(apiKey ? { "api-key": apiKey } : {}), ...(body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }) };
    const res = await fetch(target, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (res.status !== 200) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  const get = <T>(path: string, query: Record<string, string>) => call<T>("GET", path, query);
  return {
    /** The user, or undefined when the Core has none with that id. */
    async user(userId: string): Promise<CoreUser | undefined> {
      const out = await get<{ status: string; user?: CoreUser }>("/user/id", { userId });
      return out.status === "OK" ? out.user : undefined;
    },
    async metadata(userId: string): Promise<Record<string, unknown>> {
      return (await get<{ metadata: Record<string, unknown> }>("/recipe/user/metadata", { userId })).metadata;
    },
    /** Many users' metadata in one call (the Core takes up to 500 ids). */
    async metadataBulk(userIds: string[]): Promise<Map<string, Record<string, unknown>>> {
      const out = await call<{ users: { userId: string; metadata: Record<string, unknown> | null }[] }>("POST", "/recipe/user/metadata/bulk", {}, { userIds });
      return new Map(out.users.map((u) => [u.userId, u.metadata ?? {}]));
    },
    /** Every user of a tenant, in join order, 500 a page as the Core pages them. */
    async allUsers(tenantId: string, order: "ASC" | "DESC"): Promise<CoreUser[]> {
      const users: CoreUser[] = [];
      let token: string | undefined;
      do {
        const page = await get<{ users: CoreUser[]; nextPaginationToken?: string }>(`/${tenantId}/users`, { timeJoinedOrder: order, limit: "500", ...(token ? { paginationToken: token } : {}) });
        users.push(...page.users);
        token = page.nextPaginationToken;
      } while (token);
      return users;
    },
    /** The users holding an email or phone in a tenant. */
    async byContact(contact: { email: string } | { phoneNumber: string }, tenantId = "public"): Promise<CoreUser[]> {
      return (await get<{ users: CoreUser[] }>(`/${tenantId}/users/by-accountinfo`, { ...contact, doUnionOfAccountInfo: "false" })).users;
    },
    /** The user's roles in a tenant. */
    async roles(userId: string, tenantId = "public"): Promise<string[]> {
      return (await get<{ roles: string[] }>(`/${tenantId}/recipe/user/roles`, { userId })).roles;
    },
    async sessions(userId: string): Promise<string[]> {
      const out = await get<{ sessionHandles: string[] }>("/recipe/session/user", { userId, fetchSessionsForAllLinkedAccounts: "true", fetchAcrossAllTenants: "true" });
      return out.sessionHandles;
    },
  };
}
