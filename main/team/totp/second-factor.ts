/**
 * Operators' optional TOTP second factor. The embedded core has no TOTP recipe, so it lives here:
 * the secret sealed by the SecretBox in the team store, shown once at enrolment (as an otpauth://
 * URI and in base32) and never again; a code is taken within one step of now, and never twice.
 */
import { randomBytes } from "node:crypto";
import type { SecretBox } from "../../secrets/secret-box.ts";
import { TeamError } from "../errors.ts";
import type { TeamStore } from "../store/team-store.ts";
import { base32Encode } from "./base32.ts";
import { matchingStep, otpauthUri } from "./totp.ts";

export type CodeCheck = "ok" | "wrong" | "reused";

export interface Enrolment {
  /** For the authenticator app (a QR code of it). */
  otpauthUri: string;
  /** The same secret in base32, for typing into an app by hand. */
  secret: string;
}

export class SecondFactor {
  constructor(
    private readonly store: TeamStore,
    private readonly secrets: SecretBox,
    private readonly now: () => number,
    private readonly issuer = "Gatehouse",
  ) {}

  async isOn(userId: string): Promise<boolean> {
    return (await this.store.totp(userId))?.confirmedAt != null;
  }

  /** Starts an enrolment (again, if one was not finished). Refused while a second factor is on. */
  async enrol(userId: string, email: string): Promise<Enrolment> {
    const secret = randomBytes(20);
    if (!(await this.store.beginTotp(userId, this.secrets.seal(secret.toString("base64"))))) {
      throw new TeamError("CONFLICT", "A second factor is already on for this operator. To change it, turn it off first, or ask an admin to reset it.");
    }
    return { otpauthUri: otpauthUri(secret, email, this.issuer), secret: base32Encode(secret) };
  }

  /** Finishes an enrolment with a first code from the app. */
  async confirm(userId: string, code: string): Promise<void> {
    const record = await this.store.totp(userId);
    if (!record || record.confirmedAt !== null) throw new TeamError("CONFLICT", "There is no second-factor enrolment waiting for a code. Start one first.");
    const step = matchingStep(this.secretOf(record.sealedSecret), code.trim(), this.now());
    if (step === null) throw new TeamError("VALIDATION", "code: that is not the code the app shows now. Check the phone's clock and try the next code.", { field: "code" });
    if (!(await this.store.confirmTotp(userId, this.now(), step))) throw new TeamError("CONFLICT", "The enrolment was finished or restarted meanwhile.");
  }

  /** Checks a sign-in code; a code that matched is used up. */
  async check(userId: string, code: string): Promise<CodeCheck> {
    const record = await this.store.totp(userId);
    if (!record || record.confirmedAt === null) return "wrong";
    const step = matchingStep(this.secretOf(record.sealedSecret), code.trim(), this.now());
    if (step === null) return "wrong";
    return (await this.store.takeTotpStep(userId, step)) ? "ok" : "reused";
  }

  /** Turns the second factor off (an admin's reset, or the operator after a code). */
  async remove(userId: string): Promise<boolean> {
    return this.store.removeTotp(userId);
  }

  private secretOf(sealed: string): Buffer {
    return Buffer.from(this.secrets.open(sealed), "base64");
  }
}
