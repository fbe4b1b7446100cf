/**
 * The console's own data on top of a seeded user base (bench/seed.ts), written with direct SQL
 * into the embedded core's tables before it starts: roles with permissions and their holders in
 * tenant public, metadata (temporary-password flags, second-factor links to Passwordless phone
 * users, some of them broken) and user-id mappings, spread over the base the way a tenant that
 * followed the seeds would have them. The pages the benchmark loads are guaranteed a share of each.
 */
import { DemoRandom } from "../../main/embedded-core/demo/random.ts";
import { openCoreDb } from "../../main/embedded-core/storage/db.ts";
import { PAGE_SIZE } from "../seed.ts";

export const ROLES: Record<string, string[]> = {
  admin: ["users:read", "users:write", "roles:write", "invites:send", "allowlist:write"],
  support: ["users:read", "sessions:revoke", "invites:resend", "phones:reset"],
  auditor: ["users:read", "audit:read"],
};

/** Shares of the user base (10% of all users have a second-factor link; they all have metadata too). */
const ROLE_SHARE = 0.02;
const METADATA_SHARE = 0.2;
const TWO_FACTOR_SHARE = 0.1;
const MAPPING_SHARE = 0.003;
const MISSING_LINKS = 8;
const NO_PHONE_LINKS = 3;

export interface ConsoleSeed {
  roleHolders: number;
  metadataRows: number;
  temporaryPasswords: number;
  twoFactorLinks: number;
  /** Links to an id with no user behind it. */
  missingLinks: number;
  /** Links to a Passwordless user without a phone number. */
  noPhoneLinks: number;
  mappings: number;
}

interface BaseUser {
  user_id: string;
  recipe_id: string;
  email: string | null;
  phone_number: string | null;
}

interface Plan {
  externalId?: string;
  roles: string[];
  metadata?: Record<string, unknown>;
}

/**
 * Adds roles, metadata and mappings to `dbFile`. `pages` are the 0-based pages (newest first, of
 * PAGE_SIZE users) the benchmark loads: each gets at least two of every kind of row.
 */
export function seedConsoleData(dbFile: string, pages: number[], seed = 7): ConsoleSeed {
  const rand = new DemoRandom(seed);
  const db = openCoreDb(dbFile);
  try {
    const users = db.prepare("SELECT user_id, recipe_id, email, phone_number FROM users ORDER BY time_joined DESC, user_id DESC").all() as BaseUser[];
    const phoneUsers = users.filter((u) => u.recipe_id === "passwordless" && u.phone_number !== null);
    const emailPasswordless = users.filter((u) => u.recipe_id === "passwordless" && u.phone_number === null);
    // Second factors are separate Passwordless phone users; each is linked at most once.
    const phonePool = shuffle(rand, phoneUsers.map((u) => u.user_id));
    const isPhoneUser = new Set(phonePool);
    const plans = new Map<number, Plan>();
    const planOf = (k: number): Plan => {
      let plan = plans.get(k);
      if (!plan) plans.set(k, (plan = { roles: [] }));
      return plan;
    };
    const firstFactor = (k: number): boolean => !isPhoneUser.has(users[k]!.user_id);
    const emailPassword = (k: number): boolean => users[k]!.recipe_id === "emailpassword";

    let mappings = 0;
    const map = (k: number) => {
      if (planOf(k).externalId === undefined) planOf(k).externalId = `legacy-${String(++mappings).padStart(6, "0")}`;
    };
    const giveRoles = (k: number) => {
      const plan = planOf(k);
      if (plan.roles.length > 0) return;
      const first = rand.next() < 0.2 ? "admin" : rand.next() < 0.5 ? "support" : "auditor";
      plan.roles.push(first);
      if (rand.chance(0.1)) plan.roles.push(first === "auditor" ? "support" : "auditor");
    };
    const linksLeft = () => phonePool.length;
    const linkPhone = (k: number) => {
      const id = phonePool.pop();
      if (id !== undefined) setMeta(k, { passwordlessUserId: id });
    };
    const setMeta = (k: number, entries: Record<string, unknown>) => {
      const plan = planOf(k);
      plan.metadata = { ...(plan.metadata ?? {}), ...entries };
    };
    let missingLinks = 0;
    let noPhoneLinks = 0;
    const linkMissing = (k: number) => {
      setMeta(k, { passwordlessUserId: rand.uuid() });
      missingLinks++;
    };
    const linkNoPhone = (k: number) => {
      const target = emailPasswordless[rand.int(emailPasswordless.length)];
      if (!target) return;
      setMeta(k, { passwordlessUserId: target.user_id });
      noPhoneLinks++;
    };

    // The measured pages first, so each shows every kind of row whatever the random draw below.
    for (const page of pages) {
      const onPage = Array.from({ length: PAGE_SIZE }, (_, i) => page * PAGE_SIZE + i).filter((k) => k < users.length && firstFactor(k));
      const ep = onPage.filter(emailPassword);
      for (const k of ep.slice(0, 2)) map(k);
      for (const k of onPage.slice(5, 7)) giveRoles(k);
      for (const k of ep.slice(2, 4)) setMeta(k, { isUsingTemporaryPassword: true });
      for (const k of onPage.slice(10, 12)) linkPhone(k);
      linkMissing(onPage[20]!);
      linkNoPhone(onPage[21]!);
      giveRoles(ep[0]!); // a mapped user with a role: stored under the external id
      setMeta(ep[1]!, { isUsingTemporaryPassword: true, migratedAt: "2024-03-01" });
    }

    // Then the rest of the base, at the target shares.
    const metadataChance = METADATA_SHARE * (users.length / (users.length - phoneUsers.length));
    const linkShareOfMetadata = TWO_FACTOR_SHARE / METADATA_SHARE;
    for (let k = 0; k < users.length; k++) {
      if (!firstFactor(k)) continue;
      if (emailPassword(k) && rand.chance(MAPPING_SHARE)) map(k);
      if (rand.chance(ROLE_SHARE * (users.length / (users.length - phoneUsers.length)))) giveRoles(k);
      if (plans.get(k)?.metadata || !rand.chance(metadataChance)) continue;
      setMeta(k, { plan: rand.pick(["free", "team", "enterprise"]), locale: rand.pick(["en-GB", "en-US", "de-DE", "fr-FR"]) });
      if (rand.chance(linkShareOfMetadata) && linksLeft() > 0) linkPhone(k);
      if (emailPassword(k) && rand.chance(0.3)) setMeta(k, { isUsingTemporaryPassword: rand.chance(0.8) });
    }
    for (let n = missingLinks; n < MISSING_LINKS; n++) linkMissing(pickFree(rand, users.length, (k) => firstFactor(k) && !plans.get(k)?.metadata));
    for (let n = noPhoneLinks; n < NO_PHONE_LINKS; n++) linkNoPhone(pickFree(rand, users.length, (k) => firstFactor(k) && !plans.get(k)?.metadata));

    const counts: ConsoleSeed = { roleHolders: 0, metadataRows: 0, temporaryPasswords: 0, twoFactorLinks: 0, missingLinks, noPhoneLinks, mappings };
    const now = Date.now();
    db.transaction(() => {
      const addRole = db.prepare("INSERT INTO roles (role) VALUES (?)");
      const addPermission = db.prepare("INSERT INTO role_permissions (role, permission) VALUES (?, ?)");
      for (const [role, permissions] of Object.entries(ROLES)) {
        addRole.run(role);
        for (const p of permissions) addPermission.run(role, p);
      }
      const addMapping = db.prepare("INSERT INTO userid_mapping (supertokens_user_id, external_user_id, external_user_id_info) VALUES (?, ?, ?)");
      const addMetadata = db.prepare("INSERT INTO user_metadata (user_id, metadata, updated_at) VALUES (?, ?, ?)");
      const giveRole = db.prepare("INSERT INTO user_roles (tenant_id, user_id, role) VALUES ('public', ?, ?)");
      for (const [k, plan] of plans) {
        const stId = users[k]!.user_id;
        if (plan.externalId) addMapping.run(stId, plan.externalId, "legacy-auth");
        // After a mapping the Core keeps (and reports) a user's data under the external id.
        const id = plan.externalId ?? stId;
        if (plan.metadata) {
          addMetadata.run(id, JSON.stringify(plan.metadata), now);
          counts.metadataRows++;
          if (plan.metadata.isUsingTemporaryPassword === true) counts.temporaryPasswords++;
          if (typeof plan.metadata.passwordlessUserId === "string") counts.twoFactorLinks++;
        }
        for (const role of plan.roles) giveRole.run(id, role);
        if (plan.roles.length > 0) counts.roleHolders++;
      }
    })();
    return counts;
  } finally {
    db.close();
  }
}

function shuffle<T>(rand: DemoRandom, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rand.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function pickFree(rand: DemoRandom, count: number, ok: (k: number) => boolean): number {
  for (let tries = 0; tries < 10_000; tries++) {
    const k = rand.int(count);
    if (ok(k)) return k;
  }
  throw new Error("seedConsoleData: no free user left to link");
}
