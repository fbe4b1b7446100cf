/**
 * The console's one email check: what it refuses (with a reason), what it takes, and that all it
 * takes also passes supertokens-node's default email validation (the app's sign-up).
 */
import { defaultValidateEmail } from "supertokens-node/lib/build/recipe/passwordless/utils.js";
import { describe, expect, it } from "vitest";
import { emailProblem, isEmail } from "../../shared/email.ts";

describe("emailProblem", () => {
  it.each([
    ["quoted,comma@example.com", '",", which an address cannot have'],
    ["trail@example.com.", "ends with a dot"],
    ['"quoted"@example.com', "a quotation mark"],
    ["two words@example.com", "a space"],
    ["no-at.example.com", "no @"],
    ["a@b@example.com", "more than one @"],
    ["@example.com", "nothing comes before"],
    ["ada@", "nothing comes after"],
    [".ada@example.com", "starts or ends with a dot"],
    ["ada..lovelace@example.com", "two dots in a row"],
    ["ada@localhost", "not a full domain name"],
    ["ada@example.c", "not a domain name"],
    ["ada@-example.com", "not a domain name"],
    ["ada@exa_mple.com", "not a domain name"],
    ["ada@example.123", "not a domain name"],
    ["ada@exämple.com", "not a domain name"],
    ["ada;bob@example.com", '";"'],
    [`${"a".repeat(65)}@example.com`, "longer than 64"],
    [`a@${"b".repeat(250)}.com`, "longer than 254"],
    ["", "empty"],
  ])("refuses %j: %s", (email, reason) => {
    expect(emailProblem(email)).toContain(reason);
    expect(isEmail(email)).toBe(false);
  });

  it.each(["ada@example.com", "ada.lovelace+invite@mail.example.co.uk", "o'brien@example.ie", "josé@example.com", "x@xn--bcher-kva.example", "a_b-c@sub-domain.example.org"])(
    "takes %j, which the app's sign-up takes too",
    (email) => {
      expect(emailProblem(email)).toBeNull();
      expect(defaultValidateEmail(email)).toBeUndefined();
    },
  );

  it("takes nothing the app's sign-up would refuse", () => {
    const samples = ["a.b@c.de", "a..b@c.de", "a@b.c", "a@b..cd", "a b@c.de", "a,b@c.de", "a@b.cd.", '"a"@b.cd', "a@[1.2.3.4]", "ä@b.cd", "a@b-.cd", "a@1.cd"];
    for (const email of samples) if (isEmail(email)) expect(defaultValidateEmail(email), email).toBeUndefined();
  });
});
