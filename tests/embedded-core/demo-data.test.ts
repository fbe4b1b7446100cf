/**
 * The demo data set tells the story the console's screens need, through the SDK, and is the
 * same on every run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import supertokens from "supertokens-node";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import { startEmbeddedCore, type RunningEmbeddedCore } from "../../main/embedded-core/index.ts";
import { buildDemoDataSet, DEMO_ADMIN_EMAIL, DEMO_TENANT } from "../../main/embedded-core/demo/data-set.ts";
import { DEMO_PASSWORD } from "../../main/embedded-core/demo/load.ts";
import { DEFAULT_DATA_CONTRACT as C } from "../../shared/data-contract.ts";
import { initSdk } from "../support/sdk.ts";
import { legacyAuthUserData } from "../../backend-kit/legacy-http-provider.ts";
import type { MigrationRecord } from "../../backend-kit/data-contract.ts";
import { userJson } from "../../examples/legacy-auth/server.ts";
import { DEFAULT_LEGACY_SEED, LEGACY_FIRST_NUMBER, legacyPassword, legacyRosterUser } from "../../main/embedded-core/demo/legacy-roster.ts";

let core: RunningEmbeddedCore;
type User = Awaited<ReturnType<typeof supertokens.getUsersNewestFirst>>["users"][number];
let publicUsers: User[] = [];

async function allUsers(tenantId: string): Promise<User[]> {
  const out: User[] = [];
  let token: string | undefined;
  do {
    const page = await supertokens.getUsersOldestFirst({ tenantId, limit: 500, ...(token ? { paginationToken: token } : {}) });
    out.push(...page.users);
    token = page.nextPaginationToken;
  } while (token);
  return out;
}

const metadataOf = async (id: string) => (await UserMetadata.getUserMetadata(id)).metadata as Record<string, unknown>;

beforeAll(async () => {
  core = await startEmbeddedCore({ demo: true });
  initSdk(core.url);
  publicUsers = await allUsers("public");
});
afterAll(() => core.close());

describe("demo data set", () => {
  it("is the same on every build", () => {
    expect(JSON.stringify(buildDemoDataSet())).toBe(JSON.stringify(buildDemoDataSet()));
  });

  it("has ~300 users in public and more in a second tenant, of every login kind", async () => {
    expect(publicUsers).toHaveLength(300);
    expect(await supertokens.getUserCount(undefined, DEMO_TENANT)).toBe(40);
    const kinds = new Set(publicUsers.map((u) => `${u.loginMethods[0]!.recipeId}:${u.emails.length ? "email" : "phone"}`));
    expect(kinds).toEqual(new Set(["emailpassword:email", "passwordless:email", "passwordless:phone"]));
    const tenants = await Multitenancy.listAllTenants();
    expect(tenants.tenants.map((t) => t.tenantId).sort()).toEqual([DEMO_TENANT, "public"]);
  });

  it("has the console's roles with permissions, held by operators", async () => {
    expect((await UserRoles.getAllRoles()).roles.sort()).toEqual(["admin", "auditor", "support"]);
    for (const role of ["admin", "support", "auditor"]) {
      const perms = await UserRoles.getPermissionsForRole(role);
      expect(perms.status === "OK" && perms.permissions.length).toBeGreaterThan(0);
      const holders = await UserRoles.getUsersThatHaveRole("public", role);
      expect(holders.status === "OK" && holders.users.length).toBeGreaterThan(0);
    }
  });

  it("lets the demo admin sign in with the documented password", async () => {
    const res = await EmailPassword.signIn("public", DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    expect(res.status).toBe("OK");
    if (res.status !== "OK") return;
    expect((await UserRoles.getRolesForUser("public", res.user.id)).roles).toContain("admin");
  });

  it("keeps allow-lists in the seeds' format, for public and per tenant", async () => {
    for (const id of [C.emailAllowListId, C.phoneAllowListId, `${C.emailAllowListId}:${DEMO_TENANT}`]) {
      const list = (await metadataOf(id))[C.allowListKey];
      expect(Array.isArray(list) && list.length).toBeGreaterThan(0);
    }
  });

  it("has invited users who accepted and invited users who never signed in", async () => {
    const invites = await Promise.all(
      publicUsers.filter((u) => u.loginMethods[0]!.recipeId === "passwordless").map(async (u) => (await metadataOf(u.id))[C.inviteKey]),
    );
    const records = invites.filter((r): r is { acceptedAt?: number } => typeof r === "object" && r !== null);
    expect(records.some((r) => r.acceptedAt !== undefined)).toBe(true);
    expect(records.some((r) => r.acceptedAt === undefined)).toBe(true);
  });

  it("has second-factor phones, a link to a missing user, a link to a user without a phone, and a shared phone user", async () => {
    const byId = new Map(publicUsers.map((u) => [u.id, u]));
    const links = (
      await Promise.all(publicUsers.map(async (u) => ({ owner: u.id, target: (await metadataOf(u.id))[C.secondFactorUserIdKey] })))
    ).filter((l): l is { owner: string; target: string } => typeof l.target === "string");
    const healthy = links.filter((l) => (byId.get(l.target)?.phoneNumbers.length ?? 0) > 0);
    expect(healthy.length).toBeGreaterThan(15);
    expect(await Promise.all(links.filter((l) => !byId.has(l.target)).map((l) => supertokens.getUser(l.target)))).toContain(undefined);
    expect(links.some((l) => byId.has(l.target) && byId.get(l.target)!.phoneNumbers.length === 0)).toBe(true);
    const targets = links.map((l) => l.target);
    expect(new Set(targets).size).toBeLessThan(targets.length);
  });

  it("has migrated users shown by their legacy id, some on a temporary password", async () => {
    const migrated = publicUsers.filter((u) => u.id.startsWith("legacy-"));
    expect(migrated.length).toBeGreaterThan(10);
    const flags = await Promise.all(migrated.map(async (u) => (await metadataOf(u.id))[C.temporaryPasswordKey]));
    expect(flags.filter((f) => f === true).length).toBeGreaterThan(0);
    expect(flags.filter((f) => f !== true).length).toBeGreaterThan(0);
  });

  it("has LegacyAuth's users (default seed) migrated as the backend kit leaves them: legacy id, profile, migration record, and the flag only mid-reset", async () => {
    const migrated = publicUsers.filter((u) => u.id.startsWith("legacy-"));
    const states = new Map<string, number>();
    for (const u of migrated) {
      const legacy = legacyRosterUser(DEFAULT_LEGACY_SEED, Number(u.id.slice("legacy-".length)) - LEGACY_FIRST_NUMBER);
      expect(u.emails).toEqual([legacy.email]);
      expect(legacy.disabled).toBe(false);
      const metadata = await metadataOf(u.id);
      expect(metadata.profile).toEqual(legacyAuthUserData(userJson({ ...legacy, passwordHash: null })).profile);
      const record = metadata[C.migrationKey] as MigrationRecord;
      expect(record).toMatchObject({ legacyId: u.id, provider: "LegacyAuth", migratedAt: u.timeJoined });
      const state = `${record.via}/${record.clearedBy ?? (metadata[C.temporaryPasswordKey] === true ? "flagged" : "-")}`;
      states.set(state, (states.get(state) ?? 0) + 1);
      const mapping = await supertokens.getUserIdMapping({ userId: u.id, userIdType: "EXTERNAL" });
      expect(mapping.status === "OK" && mapping.externalUserIdInfo).toBe("migrated from LegacyAuth");
      if (record.via === "sign-in" || record.clearedBy === "legacy-sign-in") {
        expect((await EmailPassword.verifyCredentials("public", legacy.email, legacyPassword(legacy))).status).toBe("OK");
      }
    }
    expect([...states.keys()].sort()).toEqual(["password-reset/flagged", "password-reset/legacy-sign-in", "password-reset/password-reset", "sign-in/-"]);
    // The rest of LegacyAuth's users are not migrated yet.
    const notYet = legacyRosterUser(DEFAULT_LEGACY_SEED, 0);
    expect(await supertokens.listUsersByAccountInfo("public", { email: notYet.email })).toEqual([]);
  });

  it("survives a restart on a database file and is not loaded twice", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gatehouse-demo-"));
    const dbFile = join(dir, "core.sqlite");
    try {
      for (let run = 0; run < 2; run++) {
        const fileCore = await startEmbeddedCore({ demo: true, dbFile });
        try {
          const res = await fetch(`${fileCore.url}/users/count?includeAllTenants=true`);
          expect(((await res.json()) as { count: number }).count).toBe(340);
        } finally {
          await fileCore.close();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
