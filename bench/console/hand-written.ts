/**
 * The baseline: the same page of users, with roles, temporary-password flags, second-factor
 * phones and SuperTokens ids of mapped users, as a competent hand-written script would get it with
 * supertokens-node and nothing else. The fewest calls that give the same data, independent calls
 * in parallel: the page; then metadata in bulk (one raw POST, the SDK has no wrapper), all roles
 * and the holders of each, and the mappings of non-UUID ids; then the linked 2FA users.
 */
import supertokens from "supertokens-node";
import UserRoles from "supertokens-node/recipe/userroles";
import type { SecondFactor, UserRow } from "../../shared/contract/schemas.ts";

const SUPERTOKENS_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What supertokens-node sends with a JSON body (no API key: the embedded core has none). */
const SDK_HEADERS = { "cdi-version": "5.4", "content-type": "application/json; charset=utf-8" };

type Metadata = Record<string, unknown>;

export interface HandWrittenPage {
  rows: UserRow[];
  nextPaginationToken: string | null;
}

/** Must run inside CoreClient.sdk(), which routes the SDK's calls to the core at `coreUrl`. */
export async function handWrittenPage(coreUrl: string, tenantId: string, limit: number, paginationToken?: string): Promise<HandWrittenPage> {
  const page = await supertokens.getUsersNewestFirst({ tenantId, limit, ...(paginationToken ? { paginationToken } : {}) });
  const ids = page.users.map((u) => u.id);

  const [metadata, roles, mappings] = await Promise.all([
    fetch(`${coreUrl}/recipe/user/metadata/bulk`, { method: "POST", headers: SDK_HEADERS, body: JSON.stringify({ userIds: ids }) })
      .then((res) => res.json() as Promise<{ users: { userId: string; metadata: Metadata | null }[] }>)
      .then((body) => new Map(body.users.map((u) => [u.userId, u.metadata ?? {}]))),
    rolesByUser(tenantId),
    Promise.all(ids.filter((id) => !SUPERTOKENS_ID.test(id)).map(async (id) => [id, await supertokens.getUserIdMapping({ userId: id, userIdType: "EXTERNAL" })] as const)),
  ]);

  const linkedIds = ids.map((id) => metadata.get(id)?.passwordlessUserId);
  const linkedUsers = await Promise.all(linkedIds.map((linked) => (typeof linked === "string" && linked !== "" ? supertokens.getUser(linked) : undefined)));
  const stIds = new Map(mappings.flatMap(([id, m]) => (m.status === "OK" ? [[id, m.superTokensUserId] as const] : [])));

  const rows = page.users.map((u, i): UserRow => {
    const meta = metadata.get(u.id) ?? {};
    const stId = stIds.get(u.id);
    return {
      id: u.id,
      ...(stId ? { superTokensUserId: stId } : {}),
      emails: u.emails,
      phoneNumbers: u.phoneNumbers,
      loginMethods: [...new Set(u.loginMethods.map((m) => m.recipeId))],
      tenantIds: u.tenantIds,
      timeJoined: u.timeJoined,
      emailVerified: u.loginMethods.some((m) => m.email !== undefined && m.verified),
      roles: roles.get(u.id) ?? [],
      temporaryPassword: meta.isUsingTemporaryPassword === true,
      secondFactor: secondFactor(linkedIds[i], linkedUsers[i]),
    };
  });
  return { rows, nextPaginationToken: page.nextPaginationToken ?? null };
}

async function rolesByUser(tenantId: string): Promise<Map<string, string[]>> {
  const { roles } = await UserRoles.getAllRoles();
  const holders = await Promise.all(roles.map(async (role) => ({ role, res: await UserRoles.getUsersThatHaveRole(tenantId, role) })));
  const byUser = new Map<string, string[]>();
  for (const { role, res } of holders) {
    if (res.status !== "OK") continue;
    for (const userId of res.users) byUser.set(userId, [...(byUser.get(userId) ?? []), role]);
  }
  for (const list of byUser.values()) list.sort();
  return byUser;
}

function secondFactor(linked: unknown, user: Awaited<ReturnType<typeof supertokens.getUser>>): SecondFactor {
  if (typeof linked !== "string" || linked === "") return { state: "none" };
  if (!user) return { state: "broken", passwordlessUserId: linked, reason: "missing-user" };
  const phone = user.loginMethods.find((m) => m.recipeId === "passwordless" && m.phoneNumber)?.phoneNumber;
  if (!phone) return { state: "broken", passwordlessUserId: linked, reason: "no-phone" };
  return { state: "enrolled", passwordlessUserId: linked, phoneNumber: phone };
}
