import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import type { SecretBox } from "./secret-box.ts";

/**
 * AES-256-GCM with a random key kept in a file (mode 0600) next to the database: for browser
 * mode and tests, where Electron's safeStorage is not there. Sealed values read
 * "v1:<iv>:<tag>:<ciphertext>" in base64.
 */
export class FileKeySecretBox implements SecretBox {
  readonly kind = "file-key";
  private readonly key: Buffer;

  constructor(keyFile: string) {
    if (existsSync(keyFile)) {
      this.key = Buffer.from(readFileSync(keyFile, "utf8").trim(), "base64");
      if (this.key.length !== 32) throw new Error(`${keyFile} does not hold a 32-byte key; move it away to start with a new one (saved API keys are then lost).`);
    } else {
      this.key = randomBytes(32);
      writeFileSync(keyFile, this.key.toString("base64"), { mode: 0o600 });
      chmodSync(keyFile, 0o600);
    }
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), data.toString("base64")].join(":");
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split(":");
    if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("not a sealed secret");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  }
}
