/** Showing phone numbers; auditors see second-factor phones masked (main masks them already). */
import type { OperatorRole } from "../../../shared/contract/permissions.ts";
import { MASK, maskPhone } from "../../../shared/phone-mask.ts";

export { MASK, maskPhone };

export const masksPhones = (role: OperatorRole | undefined): boolean => role === "auditor";

export const showPhone = (phone: string, masked: boolean): string => (masked ? maskPhone(phone) : phone);
