/**
 * The baseline of bench/migration-index/index-scan.ts: paging through every user of a Core with
 * plain supertokens-node, as a developer would write it (`supertokens.init`, then
 * getUsersOldestFirst at the Core's limit of 500 until there is no next token), in a process of
 * its own with the SDK's own fetch. Run with CORE_URL; prints {"ms", "users"} as its last line.
 */
import supertokens from "supertokens-node";
import { initSdk } from "../sdk.ts";

async function main(): Promise<void> {
  const url = process.env.CORE_URL;
  if (!url) throw new Error("set CORE_URL");
  initSdk(url);
  await supertokens.getUsersOldestFirst({ tenantId: "public", limit: 10 }); // warm the connection and the SDK
  const start = performance.now();
  let users = 0;
  let token: string | undefined;
  do {
    const page = await supertokens.getUsersOldestFirst({ tenantId: "public", limit: 500, ...(token ? { paginationToken: token } : {}) });
    users += page.users.length;
    token = page.nextPaginationToken;
  } while (token);
  console.log(JSON.stringify({ ms: performance.now() - start, users }));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
