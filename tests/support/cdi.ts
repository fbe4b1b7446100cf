/**
 * Reading a Core over its own HTTP API (CDI), with Node's fetch and nothing of Gatehouse: how a
 * test checks what really is on the Core after Gatehouse acted.
 */
export async function cdiGet<T>(coreUrl: string, path: string, query: Record<string, string> = {}, apiKey?: string): Promise<T> {
  const qs = new URLSearchParams(query).toString();
  const response = await fetch(`${coreUrl.replace(/\/+$/, "")}${path}${qs ? `?${qs}` : ""}`, {
    headers: { "cdi-version": "5.4", ...(apiKey ? { "api-key": apiKey } : {}) },
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface CdiUser {
  id: string;
  emails: string[];
  phoneNumbers: string[];
  loginMethods: { recipeId: string; email?: string; phoneNumber?: string }[];
}

/** The users holding an email or phone in a tenant (GET /<tenant>/users/by-accountinfo). */
export async function usersByContact(coreUrl: string, contact: { email: string } | { phoneNumber: string }, tenantId = "public"): Promise<CdiUser[]> {
  const { users } = await cdiGet<{ users: CdiUser[] }>(coreUrl, `/${tenantId}/users/by-accountinfo`, { ...contact, doUnionOfAccountInfo: "false" });
  return users;
}

/** A user by id, or undefined (GET /user/id). */
export async function userById(coreUrl: string, userId: string): Promise<CdiUser | undefined> {
  const answer = await cdiGet<{ status: string; user?: CdiUser }>(coreUrl, "/user/id", { userId });
  return answer.status === "OK" ? answer.user : undefined;
}

/** A user's metadata (GET /recipe/user/metadata). */
export async function metadataOf(coreUrl: string, userId: string): Promise<Record<string, unknown>> {
  const { metadata } = await cdiGet<{ metadata: Record<string, unknown> }>(coreUrl, "/recipe/user/metadata", { userId });
  return metadata;
}
