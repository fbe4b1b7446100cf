/**
 * The new second-factor phone as the main process will store it: E.164, read in the profile's
 * default region when typed without +. Same library and metadata as main (libphonenumber-js with
 * its "min" metadata), so the review step shows exactly what the reset will write.
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";

export type NormalizedPhone = { ok: true; e164: string } | { ok: false; message: string };

export function normalizeSecondFactorPhone(raw: string, defaultRegion: string): NormalizedPhone {
  const typed = raw.trim();
  if (typed === "") return { ok: false, message: "A new phone number is required." };
  const parsed = parsePhoneNumberFromString(typed, defaultRegion as CountryCode);
  if (!parsed?.isValid()) {
    return { ok: false, message: `"${typed}" is not a valid phone number${typed.startsWith("+") ? "" : ` for the default region ${defaultRegion} (use +<country code> for others)`}.` };
  }
  return { ok: true, e164: parsed.number };
}
