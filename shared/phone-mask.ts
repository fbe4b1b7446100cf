/**
 * Second-factor phones are shown masked to auditors (+1 415 •••• 0123). The main process masks
 * before anything leaves it; the renderer uses the same function for display.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/min";

export const MASK = "••••";

/**
 * Keeps the country calling code, the first digits of the national number (area or carrier)
 * and the last four; a fixed-width mask hides the rest and its length.
 */
export function maskPhone(phone: string): string {
  if (phone.includes(MASK)) return phone;
  const parsed = parsePhoneNumberFromString(phone);
  if (parsed) {
    const national = String(parsed.nationalNumber);
    const keepHead = national.length >= 9 ? 3 : national.length >= 7 ? 2 : 0;
    const keepTail = national.length >= 7 ? 4 : 2;
    const head = national.slice(0, keepHead);
    return [`+${parsed.countryCallingCode}`, head, MASK, national.slice(-keepTail)].filter(Boolean).join(" ");
  }
  const digits = phone.replace(/[^\d+]/g, "");
  return digits.length > 4 ? `${digits.slice(0, 2)} ${MASK} ${digits.slice(-2)}` : MASK;
}

/** Masks every E.164-looking number in a text (audit entries shown to auditors). */
export const maskPhonesIn = (text: string): string => text.replace(/\+\d{8,15}\b/g, (phone) => maskPhone(phone));
