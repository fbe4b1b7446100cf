/** SafeStorageSecretBox and the choice between it and the key-file fallback, with a fake safeStorage. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chooseSecretBox, SafeStorageSecretBox, type SafeStorageApi } from "../../main/electron/safe-storage-box.ts";
import { FileKeySecretBox } from "../../main/secrets/file-key-box.ts";

/** Reversible stand-in for the OS keychain: XOR, so sealed text differs from the plain text. */
function fakeSafeStorage(available = true, backend = "gnome_libsecret"): SafeStorageApi & { available: boolean } {
  const xor = (bytes: Buffer) => Buffer.from(bytes.map((b) => b ^ 0x5a));
  return {
    available,
    isEncryptionAvailable() {
      return this.available;
    },
    encryptString: (plain) => xor(Buffer.from(plain, "utf8")),
    decryptString: (sealed) => xor(sealed).toString("utf8"),
    getSelectedStorageBackend: () => backend,
  };
}

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-safe-storage-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("SafeStorageSecretBox", () => {
  it("seals with encryptString as base64 and opens again", () => {
    const box = new SafeStorageSecretBox(fakeSafeStorage());
    const sealed = box.seal("core-api-key-0123456789");
    expect(sealed).toMatch(/^safeStorage:v1:[A-Za-z0-9+/]+=*$/);
    expect(sealed).not.toContain("core-api-key");
    expect(box.open(sealed)).toBe("core-api-key-0123456789");
  });

  it("refuses clearly when the keychain is not available", () => {
    const storage = fakeSafeStorage();
    const box = new SafeStorageSecretBox(storage);
    const sealed = box.seal("k");
    storage.available = false;
    expect(() => box.seal("k")).toThrow(/OS keychain \(Electron safeStorage\) is not available/);
    expect(() => box.open(sealed)).toThrow(/not available/);
  });

  it("opens keys sealed earlier by the key-file box, and says so when it cannot", () => {
    const fileBox = new FileKeySecretBox(path.join(dataDir, "secrets.key"));
    const earlier = fileBox.seal("old-key");
    expect(new SafeStorageSecretBox(fakeSafeStorage(), fileBox).open(earlier)).toBe("old-key");
    expect(() => new SafeStorageSecretBox(fakeSafeStorage()).open(earlier)).toThrow(/not sealed with the OS keychain: enter it again/);
  });
});

describe("chooseSecretBox", () => {
  it("uses safeStorage when the OS encrypts, without creating a key file", () => {
    const warn = vi.fn();
    const box = chooseSecretBox({ safeStorage: fakeSafeStorage(), dataDir, platform: "linux", warn });
    expect(box.kind).toBe("safe-storage");
    expect(warn).not.toHaveBeenCalled();
    expect(existsSync(path.join(dataDir, "secrets.key"))).toBe(false);
  });

  it("falls back to the key file with a warning when safeStorage is unavailable", () => {
    const warn = vi.fn();
    const box = chooseSecretBox({ safeStorage: fakeSafeStorage(false), dataDir, platform: "darwin", warn });
    expect(box.kind).toBe("file-key");
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/OS keychain encryption is not available \(isEncryptionAvailable\(\) is false\)/));
    expect(box.open(box.seal("k"))).toBe("k");
  });

  it("treats Linux's basic_text backend (a fixed password) as unavailable", () => {
    const warn = vi.fn();
    const box = chooseSecretBox({ safeStorage: fakeSafeStorage(true, "basic_text"), dataDir, platform: "linux", warn });
    expect(box.kind).toBe("file-key");
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('backend "basic_text"'));
  });

  it("keeps keys sealed during a fallback period readable once the keychain is back", () => {
    const fallback = chooseSecretBox({ safeStorage: fakeSafeStorage(false), dataDir, platform: "linux", warn: () => {} });
    const sealed = fallback.seal("kept-key");
    const later = chooseSecretBox({ safeStorage: fakeSafeStorage(), dataDir, platform: "linux", warn: () => {} });
    expect(later.kind).toBe("safe-storage");
    expect(later.open(sealed)).toBe("kept-key");
  });
});
