/**
 * A TypeScript app's use of the installed kit: tests/backend-kit/package.test.ts type-checks this
 * file in the fresh app (strict, NodeNext, no access to the kit's sources), so the package's
 * `exports` must lead to declarations that type the kit's API against the app's supertokens-node.
 * (In the repo it is checked against the kit's sources, and must pass there too.)
 */
import Passwordless from "supertokens-node/recipe/passwordless";
import { SIGN_UP_DISABLED_MESSAGE, composeOverrides, inviteOnlyGuard, recordInviteAcceptance, type DataContract } from "@gatehouse/backend-kit";
import { DEFAULT_DATA_CONTRACT } from "@gatehouse/backend-kit/data-contract";

// The kit's overrides fit the SDK's own override slot.
export const recipe = Passwordless.init({
  contactMethod: "EMAIL",
  flowType: "USER_INPUT_CODE",
  override: { apis: composeOverrides(inviteOnlyGuard, recordInviteAcceptance()) },
});

export const contract: DataContract = { ...DEFAULT_DATA_CONTRACT, inviteKey: "myInvite" };
export const message: string = SIGN_UP_DISABLED_MESSAGE;

// Fails (an unused directive) if the declarations were lost and everything became `any`.
// @ts-expect-error a contract key is a string
export const wrong: number = DEFAULT_DATA_CONTRACT.inviteKey;
