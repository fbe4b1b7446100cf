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
  const get = async <T>(path: string, query: Record<string, string>): Promise<T> => {
    const target = new URL(url.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
    const res = await fetch(target, { headers: { "cdi-version": "5.4", ...(apiKey ? { "api-key": apiKey } : {}) } });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    /** The user, or undefined when the Core has none with that id. */
    async user(userId: string): Promise<CoreUser | undefined> {
      const out = await get<{ status: string; user?: CoreUser }>("/user/id", { userId });
      return out.status === "OK" ? out.user : undefined;
    },
    async metadata(userId: string): Promise<Record<string, unknown>> {
      return (await get<{ metadata: Record<string, unknown> }>("/recipe/user/metadata", { userId })).metadata;
    },
    async sessions(userId: string): Promise<string[]> {
      const out = await get<{ sessionHandles: string[] }>("/recipe/session/user", { userId, fetchSessionsForAllLinkedAccounts: "true", fetchAcrossAllTenants: "true" });
      return out.sessionHandles;
    },
  };
}
