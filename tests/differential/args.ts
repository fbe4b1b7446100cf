/**
 * Random arguments over a small pool (so that calls collide: the same user, email, role and
 * tenant come back again and again), with a share of edge cases: empty strings, odd unicode,
 * long strings, spaces and upper case the Core normalizes, ids of nobody.
 * Values are symbols (see world.ts); anything a step may store carries the run's namespace.
 */
import type { Rng } from "./prng.ts";
import { ZERO_UUID } from "./world.ts";

const LONG = "x".repeat(300);

export class ArgGen {
  constructor(readonly rng: Rng) {}

  /** A tenant for calls that read or write inside a tenant. Never modifies `public` itself. */
  tenant(): string {
    return this.rng.weighted([
      [55, "public"],
      [20, "$T1"],
      [12, "$T2"],
      [5, "$T1^"],
      [4, "$NOPE"],
      [2, "bad_tenant!"],
      [2, ""],
    ]);
  }

  /** A tenant that tenant-management calls may create, update or delete (never `public`). */
  ownTenant(): string {
    return this.rng.weighted([
      [45, "$T1"],
      [35, "$T2"],
      [6, "$T1^"],
      [6, "$NOPE"],
      [4, "bad_tenant!"],
      [4, ""],
    ]);
  }

  /** A tenant whose users are all this run's (for listings and counts). */
  listTenant(): string {
    return this.rng.weighted([
      [45, "$T1"],
      [35, "$T2"],
      [20, "$NOPE"],
    ]);
  }

  /** An email; `store` when the call may create a user with it (then always namespaced). */
  email(store = false): string {
    const entries: [number, string][] = [
      [20, "$E0"],
      [20, "$E1"],
      [18, "$E2"],
      [14, "$E3"],
      [8, "$E1^"],
      [5, "$EU"],
      [3, "{ns}-" + LONG + "@example.com"],
    ];
    if (!store) entries.push([4, ""], [3, "not-an-email"], [3, "nobody-{ns}@example.com"]);
    return this.rng.weighted(entries);
  }

  phone(store = false): string {
    const entries: [number, string][] = [
      [25, "$P0"],
      [25, "$P1"],
      [20, "$P2"],
      [10, "$P1~"],
    ];
    if (!store) entries.push([4, ""], [4, "12345"], [4, "+1"]);
    return this.rng.weighted(entries);
  }

  password(): string {
    return this.rng.weighted([
      [70, "Password123!"],
      [10, "Other-pass-99"],
      [6, ""],
      [6, "short"],
      [4, "pässwörd🙂"],
      [4, LONG],
    ]);
  }

  /**
   * A user id for calls that read or write data under it (metadata, roles, sessions): created
   * users (by SuperTokens or public id), external and synthetic ids. Always this run's: data
   * under a shared id (say "") would differ between two Cores by their history, not their rules.
   */
  user(): string {
    const k = this.rng.int(6);
    return this.rng.weighted([
      [40, `$U${k}`],
      [18, `$U${k}*`],
      [14, `$S${this.rng.int(3)}`],
      [10, `$X${this.rng.int(3)}`],
      [3, "{ns}-ü-idé"],
      [3, " {ns}-s0 "],
      [2, "{ns}-" + LONG],
    ]);
  }

  /** A user id for calls whose answer does not show data under it: also nobody's id and the empty string. */
  anyUser(): string {
    return this.rng.weighted([
      [90, this.user()],
      [6, ZERO_UUID],
      [4, ""],
    ]);
  }

  /** A user created by this run (by SuperTokens id or public id). */
  createdUser(): string {
    const k = this.rng.int(6);
    return this.rng.chance(0.65) ? `$U${k}` : `$U${k}*`;
  }

  externalId(): string {
    return this.rng.weighted([
      [60, `$X${this.rng.int(3)}`],
      [15, `$S${this.rng.int(3)}`],
      [10, `$U${this.rng.int(6)}`],
      [5, ""],
      [5, " {ns}-x1 "],
      [5, "{ns}-ëxt"],
    ]);
  }

  role(): string {
    return this.rng.weighted([
      [85, `$R${this.rng.int(4)}`],
      [4, ""],
      [4, " {ns}-r0 "],
      [4, "{ns}-rôle"],
      [3, "{ns}-" + LONG],
    ]);
  }

  permission(): string {
    return this.rng.weighted([
      [30, "read"],
      [30, "write"],
      [20, "delete"],
      [6, ""],
      [6, " read "],
      [8, "pérm:{ns}"],
    ]);
  }

  permissions(): string[] {
    const n = this.rng.int(4);
    return Array.from({ length: n }, () => this.permission());
  }

  /** A metadata update: a few keys from a small pool, values of every JSON type incl. null. */
  metadataUpdate(): Record<string, unknown> {
    const keys = this.rng.subset(["a", "b", "nested", "arr", "ü", ""], 3);
    const values: unknown[] = [1, "s", null, null, { x: 1 }, { y: null, z: { w: [1] } }, [1, 2], [], true, "ü🙂", 1.5, {}];
    return Object.fromEntries(keys.map((k) => [k, this.rng.pick(values)]));
  }

  /** A tenant configuration for createOrUpdateTenant, valid or not. */
  tenantConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {};
    if (this.rng.chance(0.6)) {
      config.firstFactors = this.rng.subset(
        ["emailpassword", "otp-email", "otp-phone", "link-email", "link-phone", "thirdparty", "webauthn", "unknown-factor"],
        4,
      );
    }
    if (this.rng.chance(0.35)) {
      config.coreConfig = this.rng.pick<Record<string, unknown>>([
        {},
        { email_verification_token_lifetime: 7_200_000 },
        { email_verification_token_lifetime: -5 },
        { password_reset_token_lifetime: 3_600_000 },
        { passwordless_max_code_input_attempts: 3 },
        { not_a_config_key: 1 },
        { access_token_validity: 1234 },
        { password_hashing_alg: "ARGON2" },
      ]);
    }
    if (this.rng.chance(0.1)) config.requiredSecondaryFactors = this.rng.subset(["otp-email", "otp-phone", "totp"], 2);
    return config;
  }

  recipeIds(): string[] | undefined {
    return this.rng.weighted<string[] | undefined>([
      [60, undefined],
      [15, ["emailpassword"]],
      [15, ["passwordless"]],
      [5, ["emailpassword", "passwordless"]],
      [5, ["nope"]],
    ]);
  }

  limit(): number | undefined {
    return this.rng.weighted<number | undefined>([
      [60, undefined],
      [15, 1],
      [10, 2],
      [5, 0],
      [5, 500],
      [5, 501],
    ]);
  }

  /** Now and then a value of the wrong type (the SDK passes most arguments through unchecked). */
  odd<T>(value: T): T | number | null | boolean | string[] {
    if (!this.rng.chance(0.03)) return value;
    // A one-string array is read as that string by the Core's parser, so it carries the namespace too.
    return this.rng.pick<number | null | boolean | string[]>([42, null, true, ["{ns}-odd@example.com"]]);
  }

  code(): string {
    return `$C${this.rng.int(6)}`;
  }

  session(): string {
    return `$SS${this.rng.int(5)}`;
  }
}
