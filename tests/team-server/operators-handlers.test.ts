/**
 * Team errors become the contract's codes on the way out of the operators.* handlers, keeping
 * the message and the field; anything else passes through for the dispatcher to answer.
 */
import { describe, expect, it } from "vitest";
import { toGatehouseError } from "../../main/team-server/operators-handlers.ts";
import { TEAM_ERROR_STATUS, TeamError, type TeamErrorCode } from "../../main/team/errors.ts";
import { ERROR_CODES, GatehouseError } from "../../shared/contract/errors.ts";

describe("toGatehouseError", () => {
  it.each([
    ["VALIDATION", "VALIDATION"],
    ["FORBIDDEN", "FORBIDDEN"],
    ["NOT_FOUND", "NOT_FOUND"],
    ["CONFLICT", "CONFLICT"],
    ["DIRECTORY_UNAVAILABLE", "CORE_UNREACHABLE"],
    ["INTERNAL", "INTERNAL"],
  ] as const)("%s → %s, with the message and field", (team, contract) => {
    const mapped = toGatehouseError(new TeamError(team, "email: says what to do.", { field: "email" }));
    expect(mapped).toBeInstanceOf(GatehouseError);
    expect((mapped as GatehouseError).toBody()).toEqual({ code: contract, message: "email: says what to do.", field: "email" });
  });

  it("gives every team code a code of the contract", () => {
    for (const code of Object.keys(TEAM_ERROR_STATUS) as TeamErrorCode[]) {
      const mapped = toGatehouseError(new TeamError(code, "m")) as GatehouseError;
      expect(Object.keys(ERROR_CODES)).toContain(mapped.code);
    }
  });

  it("leaves other errors as they are", () => {
    const err = new Error("boom");
    expect(toGatehouseError(err)).toBe(err);
  });
});
