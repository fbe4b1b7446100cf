/**
 * TOTP and its parts against the RFCs' own test vectors: HOTP (RFC 4226 appendix D), TOTP
 * (RFC 6238 appendix B, SHA-1/256/512 with 8 digits), base32 (RFC 4648 section 10); then the
 * window of one step either side, and the otpauth:// URI authenticator apps read.
 */
import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode } from "../../main/team/totp/base32.ts";
import { hotp, matchingStep, otpauthUri, stepAt, totpAt } from "../../main/team/totp/totp.ts";

const RFC_SECRET = Buffer.from("12345678901234567890", "ascii");

describe("HOTP (RFC 4226)", () => {
  it("gives the appendix D values for counters 0 to 9", () => {
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    expect(expected.map((_, counter) => hotp(RFC_SECRET, counter))).toEqual(expected);
  });
});

describe("TOTP (RFC 6238)", () => {
  const secrets = {
    sha1: RFC_SECRET,
    sha256: Buffer.from("12345678901234567890123456789012", "ascii"),
    sha512: Buffer.from("1234567890123456789012345678901234567890123456789012345678901234", "ascii"),
  } as const;
  const vectors: [number, string, string, string][] = [
    [59, "94287082", "46119246", "90693936"],
    [1111111109, "07081804", "68084774", "25091201"],
    [1111111111, "14050471", "67062674", "99943326"],
    [1234567890, "89005924", "91819424", "93441116"],
    [2000000000, "69279037", "90698825", "38618901"],
    [20000000000, "65353130", "77737706", "47863826"],
  ];
  it.each(vectors)("at %i s gives the appendix B codes", (seconds, sha1, sha256, sha512) => {
    const step = stepAt(seconds * 1000);
    expect([hotp(secrets.sha1, step, 8, "sha1"), hotp(secrets.sha256, step, 8, "sha256"), hotp(secrets.sha512, step, 8, "sha512")]).toEqual([sha1, sha256, sha512]);
  });

  it("takes a code one step either side of now and no further, and says which step it was", () => {
    const now = 1_700_000_000_000;
    const step = stepAt(now);
    for (const offset of [-1, 0, 1]) expect(matchingStep(RFC_SECRET, hotp(RFC_SECRET, step + offset), now)).toBe(step + offset);
    for (const offset of [-3, -2, 2, 3]) expect(matchingStep(RFC_SECRET, hotp(RFC_SECRET, step + offset), now)).toBeNull();
    expect(matchingStep(RFC_SECRET, "12345", now)).toBeNull();
    expect(matchingStep(RFC_SECRET, "abcdef", now)).toBeNull();
    expect(totpAt(RFC_SECRET, now)).toBe(hotp(RFC_SECRET, step));
  });
});

describe("base32 (RFC 4648)", () => {
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ];
  it.each(vectors)("%j is %s (unpadded) and back", (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(plain);
  });

  it("reads lower case, spaces and padding as apps show them, and refuses other characters", () => {
    expect(base32Decode("mzxw 6ytb oi==").toString()).toBe("foobar");
    expect(() => base32Decode("MZXW1")).toThrow(/"1" is not a base32 character/);
  });
});

describe("otpauth URI", () => {
  it("names issuer and account and carries the secret and parameters apps expect", () => {
    const uri = new URL(otpauthUri(RFC_SECRET, "ada+ops@example.com", "Gatehouse"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Gatehouse:ada+ops@example.com");
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: base32Encode(RFC_SECRET), issuer: "Gatehouse", algorithm: "SHA1", digits: "6", period: "30" });
    expect(base32Decode(uri.searchParams.get("secret") ?? "")).toEqual(RFC_SECRET);
  });
});
