/** A phone number, masked for roles that must not see it in full (auditors). */
import { useOperatorRole } from "../app/StoresContext.tsx";
import { masksPhones, showPhone } from "../lib/phone.ts";

export function PhoneNumber({ phone }: { phone: string }) {
  const masked = masksPhones(useOperatorRole());
  const text = showPhone(phone, masked);
  return (
    <span className="phone" data-testid="phone" title={masked ? "Masked for the auditor role" : undefined}>
      {text}
    </span>
  );
}
