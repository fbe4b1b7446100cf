/**
 * Seed 03's `2fa-completed` session claim: a boolean in the access token, false when a session is
 * created by the first factor, set to true once the SMS OTP is done. Its validators
 * (`claim.validators.isTrue()`) are what protects a route.
 */
import { BooleanClaim } from "supertokens-node/recipe/session/claims";
import { DEFAULT_DATA_CONTRACT, type DataContract } from "./data-contract.ts";

/** The claim under the contract's key (`secondFactorClaim`); default false, never refetched to true. */
export function createSecondFactorClaim(contract: DataContract = DEFAULT_DATA_CONTRACT): BooleanClaim {
  return new BooleanClaim({ key: contract.secondFactorClaim, fetchValue: () => false });
}

/** The claim with the default contract: `2fa-completed`. */
export const SecondFactorClaim: BooleanClaim = createSecondFactorClaim();
