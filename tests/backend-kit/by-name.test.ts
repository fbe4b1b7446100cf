/**
 * Inside the repo, the kit's package name is its sources (the gatehouse-source export condition),
 * for Vitest as for tsc and the demo app, so a test may import it as an app does.
 */
import { expect, it } from "vitest";
import * as byName from "@gatehouse/backend-kit";
import * as contractByName from "@gatehouse/backend-kit/data-contract";
import * as bySource from "../../backend-kit/index.ts";
import { DEFAULT_DATA_CONTRACT } from "../../shared/data-contract.ts";

it("resolves @gatehouse/backend-kit to the same modules as the sources, and the data contract to the console's", () => {
  expect(byName.inviteOnlyGuard).toBe(bySource.inviteOnlyGuard);
  expect(contractByName.DEFAULT_DATA_CONTRACT).toBe(DEFAULT_DATA_CONTRACT);
});
