/**
 * Seals secrets (Core API keys) at rest. The desktop app uses Electron's safeStorage (the OS
 * keychain); browser mode and tests use a key file readable only by the user.
 */
export interface SecretBox {
  readonly kind: string;
  seal(plain: string): string;
  open(sealed: string): string;
}
