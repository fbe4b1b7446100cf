/**
 * RS256 signing keys, as the Core keeps them (signingkeys/SigningKeys.java, AccessTokenSigningKey):
 * one static key ("s-<uuid>") for tokens that ask for it, and dynamic keys ("d-<createdAtMs>")
 * rotated on an interval (the Core's default is 168 hours):
 * - a new dynamic key is made a minute (the overlap) before the newest one's interval ends, and
 *   signs only once it is a minute old (until then the previous key still signs);
 * - a dynamic key verifies for its interval plus twice the access-token lifetime;
 * - the JWKS lists the dynamic keys that still verify, newest first, then the static key, and may
 *   be cached until the next key is due (Cache-Control max-age, at least 1 s); supertokens-node
 *   fetches it and verifies access tokens itself.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from "node:crypto";
import type { CoreDeps } from "../context.ts";

const DYNAMIC_KEY_INTERVAL_MS = 168 * 3600 * 1000;
/** AccessTokenSigningKey.dynamicSigningKeyOverlapMS. */
const OVERLAP_MS = 60_000;

interface KeyRow {
  kid: string;
  kind: "static" | "dynamic";
  private_pem: string;
  created_at: number;
}

interface LoadedKey {
  kid: string;
  kind: "static" | "dynamic";
  createdAt: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface Jwk {
  kty: string;
  kid: string;
  n: string;
  e: string;
  alg: "RS256";
  use: "sig";
}

function newPrivatePem(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

export class SigningKeys {
  private keys: LoadedKey[] = [];

  constructor(private readonly deps: CoreDeps) {
    this.load();
  }

  private load(): void {
    const rows = this.deps.db.prepare("SELECT * FROM signing_keys ORDER BY created_at DESC").all() as KeyRow[];
    this.keys = rows.map((r) => {
      const privateKey = createPrivateKey(r.private_pem);
      return { kid: r.kid, kind: r.kind, createdAt: r.created_at, privateKey, publicKey: createPublicKey(privateKey) };
    });
    const now = this.deps.now();
    let changed = false;
    if (!this.keys.some((k) => k.kind === "static")) {
      this.add(`s-${randomUUID()}`, "static", now);
      changed = true;
    }
    const newestDynamic = this.keys.find((k) => k.kind === "dynamic" && this.verifies(k, now));
    if (!newestDynamic || this.due(newestDynamic, now)) {
      this.add(`d-${now}`, "dynamic", now);
      changed = true;
    }
    if (changed) this.load();
  }

  private add(kid: string, kind: "static" | "dynamic", createdAt: number): void {
    this.deps.db
      .prepare("INSERT INTO signing_keys (kid, kind, private_pem, created_at) VALUES (?, ?, ?, ?)")
      .run(kid, kind, newPrivatePem(), createdAt);
  }

  /** How long a dynamic key verifies tokens: its interval plus twice the access-token lifetime. */
  private lifetime(): number {
    return DYNAMIC_KEY_INTERVAL_MS + 2 * this.deps.settings.accessTokenValiditySeconds * 1000;
  }

  private verifies(k: LoadedKey, now: number): boolean {
    return k.createdAt + this.lifetime() >= now;
  }

  /** The next key is made an overlap before the newest one's interval ends. */
  private due(newest: LoadedKey, now: number): boolean {
    return now + OVERLAP_MS > newest.createdAt + DYNAMIC_KEY_INTERVAL_MS;
  }

  /** Dynamic keys that still verify, newest first (making the next one when it is due). */
  private dynamicKeys(): LoadedKey[] {
    const now = this.deps.now();
    const live = this.keys.filter((k) => k.kind === "dynamic" && this.verifies(k, now));
    if (live[0] === undefined || this.due(live[0], now)) {
      this.load();
      return this.keys.filter((k) => k.kind === "dynamic" && this.verifies(k, now));
    }
    return live;
  }

  /** The key new tokens are signed with (SigningKeys.getLatestIssuedDynamicKey for dynamic ones). */
  current(kind: "static" | "dynamic"): LoadedKey {
    if (kind === "dynamic") {
      const [newest, previous] = this.dynamicKeys();
      if (!newest) throw new Error("no dynamic signing key");
      const now = this.deps.now();
      // A brand-new key waits out the overlap while the previous one may still sign.
      if (previous && newest.createdAt + OVERLAP_MS > now && now < previous.createdAt + DYNAMIC_KEY_INTERVAL_MS) return previous;
      return newest;
    }
    const key = this.keys.find((k) => k.kind === "static");
    if (!key) {
      this.load();
      return this.current(kind);
    }
    return key;
  }

  /** SigningKeys.getCacheDurationInSeconds: until the next dynamic key is due, at least 1 s. */
  cacheSeconds(): number {
    const [newest] = this.dynamicKeys();
    if (!newest) return 1;
    return Math.max(Math.trunc((newest.createdAt + DYNAMIC_KEY_INTERVAL_MS - OVERLAP_MS - this.deps.now()) / 1000), 1);
  }

  /** A key that still verifies tokens (SigningKeys.getAllKeys: live dynamic keys and the static key). */
  has(kid: string): boolean {
    if (this.usable(kid)) return true;
    this.load(); // another process may have rotated keys in a shared database file
    return this.usable(kid) !== undefined;
  }

  private usable(kid: string): LoadedKey | undefined {
    const now = this.deps.now();
    return this.keys.find((k) => k.kid === kid && (k.kind === "static" || this.verifies(k, now)));
  }


  /** Dynamic keys that still verify, newest first, then the static key. */
  jwks(): Jwk[] {
    const dynamic = this.dynamicKeys();
    const stat = this.keys.filter((k) => k.kind === "static");
    return [...dynamic, ...stat].map((k) => {
      const jwk = k.publicKey.export({ format: "jwk" });
      return { kty: "RSA", kid: k.kid, n: String(jwk.n), e: String(jwk.e), alg: "RS256", use: "sig" };
    });
  }

  /** RSA-SHA256 with the key of that id (any usable key when no id is given, as for the Core's legacy tokens). */
  verifySignature(kid: string | undefined, content: string, signature: Buffer): boolean {
    const now = this.deps.now();
    const candidates = kid === undefined ? this.keys.filter((k) => k.kind === "static" || this.verifies(k, now)) : [this.usable(kid)];
    return candidates.some((k) => k !== undefined && verify("RSA-SHA256", Buffer.from(content, "utf8"), k.publicKey, signature));
  }

  signJwt(header: Record<string, string>, payload: Record<string, unknown>, kind: "static" | "dynamic"): string {
    const key = this.current(kind);
    const head = Buffer.from(JSON.stringify({ kid: key.kid, ...header })).toString("base64url");
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    const signature = sign("RSA-SHA256", Buffer.from(`${head}.${body}`), key.privateKey).toString("base64url");
    return `${head}.${body}.${signature}`;
  }
}
