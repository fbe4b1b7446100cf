/** Normalising an invitee's contact the way the Core and the allow-list guard compare them. */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { GatehouseError } from "../../../shared/contract/errors.ts";
import { emailProblem } from "../../../shared/email.ts";

export type Contact = { email: string } | { phoneNumber: string };

export function normalizeContact(input: { email?: string | undefined; phoneNumber?: string | undefined }, defaultRegion: string): Contact {
  const email = input.email?.trim();
  const phone = input.phoneNumber?.trim();
  if (email && phone) throw new GatehouseError({ code: "VALIDATION", field: "email", message: "email: give an email address or a phone number, not both." });
  if (email) return { email: normalizeEmail(email) };
  if (phone) return { phoneNumber: normalizePhone(phone, defaultRegion) };
  throw new GatehouseError({ code: "VALIDATION", field: "email", message: "email: an email address or a phone number is required." });
}

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  const problem = emailProblem(email);
  if (problem) throw new GatehouseError({ code: "VALIDATION", field: "email", message: `email: "${raw.trim()}" is not an email address: ${problem}.` });
  return email;
}

export function normalizePhone(raw: string, defaultRegion: string): string {
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultRegion as CountryCode);
  if (!parsed?.isValid()) {
    throw new GatehouseError({
      code: "VALIDATION",
      field: "phoneNumber",
      message: `phoneNumber: "${raw}" is not a valid phone number${raw.trim().startsWith("+") ? "" : ` for the default region ${defaultRegion} (use +<country code> for others)`}.`,
    });
  }
  return parsed.number;
}

export const contactLabel = (c: Contact): string => ("email" in c ? c.email : c.phoneNumber);
