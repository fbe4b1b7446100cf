/** The second-factor phone state of a user (seed 03): enrolled phone, broken link (why), or none. */
import type { SecondFactor } from "../../../shared/contract/schemas.ts";
import { PhoneNumber } from "./PhoneNumber.tsx";

const BROKEN_REASONS: Record<Extract<SecondFactor, { state: "broken" }>["reason"], string> = {
  "missing-user": "its Passwordless user no longer exists",
  "no-phone": "its Passwordless user has no phone number",
};

export function SecondFactorBadge({ factor }: { factor: SecondFactor }) {
  if (factor.state === "none") return <span className="muted">none</span>;
  if (factor.state === "enrolled") return <PhoneNumber phone={factor.phoneNumber} />;
  const reason = BROKEN_REASONS[factor.reason];
  return (
    <span className="warning-text" title={`Linked to ${factor.passwordlessUserId}, but ${reason}`} data-testid="second-factor-broken">
      <span aria-hidden="true">⚠ </span>
      broken: {reason}
    </span>
  );
}
