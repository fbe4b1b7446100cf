/**
 * A users search that matches more people than one bulk metadata read takes: the Core answers a
 * search with every match (it ignores the page size then), and the Core refuses more than 500
 * user ids per `POST /recipe/user/metadata/bulk`, so the rows' metadata is read in chunks.
 */
import Passwordless from "supertokens-node/recipe/passwordless";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import { afterAll, beforeAll, expect, it } from "vitest";
import { mapLimit } from "../../main/services/concurrency.ts";
import { DEFAULT_DATA_CONTRACT as C } from "../../shared/data-contract.ts";
import { directCore, startTestGatehouse, type TestGatehouse } from "./helpers/gatehouse.ts";

const COUNT = 520;
let t: TestGatehouse;

beforeAll(async () => {
  t = await startTestGatehouse();
}, 30_000);

afterAll(async () => {
  await t?.close();
});

it(`lists all ${COUNT} users a search matches, with their metadata flags`, async () => {
  const core = directCore(t.coreUrl);
  const emails = Array.from({ length: COUNT }, (_, i) => `many.${String(i).padStart(4, "0")}@example.com`);
  const ids = await core.sdk(() => mapLimit(emails, 8, async (email) => (await Passwordless.signInUp({ tenantId: "public", email })).user.id));
  // The last one (past the first 500 ids) carries a flag only its metadata can tell.
  const flagged = ids[COUNT - 1] ?? "";
  await core.sdk(() => UserMetadata.updateUserMetadata(flagged, { [C.temporaryPasswordKey]: true }));

  const { rows } = await t.client.invoke("users.list", { tenantId: "public", order: "newest", limit: 50, search: "many." });
  expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
  expect(rows.filter((r) => r.temporaryPassword).map((r) => r.id)).toEqual([flagged]);
}, 60_000);
