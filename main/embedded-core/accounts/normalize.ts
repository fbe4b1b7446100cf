import { parsePhoneNumberFromString } from "libphonenumber-js";

/** Emails as the Core keeps them: trimmed and lower-cased. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Phone numbers as the Core keeps them: E.164 when the number parses ("+1 (415) 555-0109" becomes
 * "+14155550109"), otherwise the trimmed input.
 */
export function normalisePhoneNumber(phone: string): string {
  const trimmed = phone.trim();
  try {
    const parsed = parsePhoneNumberFromString(trimmed);
    return parsed ? parsed.format("E.164") : trimmed;
  } catch {
    return trimmed;
  }
}
