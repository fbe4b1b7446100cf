/**
 * Seals Core API keys with Electron's safeStorage (macOS Keychain, Windows DPAPI, the Linux secret
 * service). Takes safeStorage as a parameter so it is tested without Electron.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { FileKeySecretBox } from "../secrets/file-key-box.ts";
import type { SecretBox } from "../secrets/secret-box.ts";

/** The part of electron.safeStorage this box uses. */
export interface SafeStorageApi {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

/** Marks our values, so a key sealed another way is recognised instead of failing to decrypt. */
const PREFIX = "safeStorage:v1:";
const UNAVAILABLE = "The OS keychain (Electron safeStorage) is not available, so Gatehouse cannot seal or open API keys with it.";

export class SafeStorageSecretBox implements SecretBox {
  readonly kind = "safe-storage";

  /** `earlier` opens keys sealed before safeStorage was available (the file-key box's "v1:" values). */
  constructor(
    private readonly safeStorage: SafeStorageApi,
    private readonly earlier?: SecretBox,
  ) {}

  seal(plain: string): string {
    if (!this.safeStorage.isEncryptionAvailable()) throw new Error(UNAVAILABLE);
    return PREFIX + this.safeStorage.encryptString(plain).toString("base64");
  }

  open(sealed: string): string {
    if (!sealed.startsWith(PREFIX)) {
      if (this.earlier) return this.earlier.open(sealed);
      throw new Error("This API key was not sealed with the OS keychain: enter it again under Connections.");
    }
    if (!this.safeStorage.isEncryptionAvailable()) throw new Error(UNAVAILABLE);
    return this.safeStorage.decryptString(Buffer.from(sealed.slice(PREFIX.length), "base64"));
  }
}

export interface SecretBoxChoice {
  safeStorage: SafeStorageApi;
  dataDir: string;
  platform: NodeJS.Platform;
  warn: (message: string) => void;
}

/**
 * safeStorage when the OS really encrypts; otherwise (no keychain, or Linux's "basic_text" backend,
 * which only obfuscates with a fixed password) the key-file box, with a warning saying so.
 */
export function chooseSecretBox({ safeStorage, dataDir, platform, warn }: SecretBoxChoice): SecretBox {
  const keyFile = path.join(dataDir, "secrets.key");
  const backend = platform === "linux" ? safeStorage.getSelectedStorageBackend?.() : undefined;
  const available = safeStorage.isEncryptionAvailable() && backend !== "basic_text" && backend !== "unknown";
  if (available) return new SafeStorageSecretBox(safeStorage, existsSync(keyFile) ? new FileKeySecretBox(keyFile) : undefined);
  const why = backend === "basic_text" || backend === "unknown" ? `no secret service was found (backend "${backend}")` : "isEncryptionAvailable() is false";
  warn(`OS keychain encryption is not available (${why}): API keys are sealed with the key file ${keyFile} instead, which anyone who can read your files can use.`);
  return new FileKeySecretBox(keyFile);
}
