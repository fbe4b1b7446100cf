/**
 * RS256 signing keys, as the Core keeps them: one static key ("s-<uuid>") for tokens that ask
 * for it, and dynamic keys ("d-<createdAtMs>") rotated on an interval (the Core's default is
 * 168 hours). The JWKS lists the dynamic keys still needed for verification, newest first, then
 * the static key; supertokens-node fetches it and verifies access tokens itself.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from "node:crypto";
import type { CoreDeps } from "../context.ts";

const DYNAMIC_KEY_INTERVAL_MS = 168 * 3600 * 1000;

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
    const newestDynamic = this.keys.find((k) => k.kind === "dynamic");
    if (!newestDynamic || newestDynamic.createdAt + DYNAMIC_KEY_INTERVAL_MS < now) {
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

  /** The key new tokens are signed with (rotating the dynamic key when it is due). */
  current(kind: "static" | "dynamic"): LoadedKey {
    const newest = this.keys.find((k) => k.kind === kind);
    if (!newest || (kind === "dynamic" && newest.createdAt + DYNAMIC_KEY_INTERVAL_MS < this.deps.now())) {
      this.load();
      return this.current(kind);
    }
    return newest;
  }

  has(kid: string): boolean {
    if (this.keys.some((k) => k.kid === kid)) return true;
    this.load(); // another process may have rotated keys in a shared database file
    return this.keys.some((k) => k.kid === kid);
  }

  /** Dynamic keys young enough to have signed a live token, then the static key. */
  jwks(): Jwk[] {
    const now = this.deps.now();
    const dynamic = this.keys.filter((k) => k.kind === "dynamic" && k.createdAt + 2 * DYNAMIC_KEY_INTERVAL_MS >= now);
    const stat = this.keys.filter((k) => k.kind === "static");
    return [...dynamic, ...stat].map((k) => {
      const jwk = k.publicKey.export({ format: "jwk" });
      return { kty: "RSA", kid: k.kid, n: String(jwk.n), e: String(jwk.e), alg: "RS256", use: "sig" };
    });
  }

  signJwt(header: Record<string, string>, payload: Record<string, unknown>, kind: "static" | "dynamic"): string {
    const key = this.current(kind);
    const head = Buffer.from(JSON.stringify({ kid: key.kid, ...header })).toString("base64url");
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    const signature = sign("RSA-SHA256", Buffer.from(`${head}.${body}`), key.privateKey).toString("base64url");
    return `${head}.${body}.${signature}`;
  }

  /** The payload of a token signed by one of our keys, or undefined when it is not one. */
  verifyJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const [head, body, signature] = parts as [string, string, string];
    try {
      const header = JSON.parse(Buffer.from(head, "base64url").toString("utf8")) as Record<string, unknown>;
      const key = this.keys.find((k) => k.kid === header.kid);
      if (!key || header.alg !== "RS256") return undefined;
      if (!verify("RSA-SHA256", Buffer.from(`${head}.${body}`), key.publicKey, Buffer.from(signature, "base64url"))) return undefined;
      const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Record<string, unknown>;
      return { header, payload };
    } catch {
      return undefined;
    }
  }
}
