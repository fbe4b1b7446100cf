/**
 * The baseline of bench/jobs/bulk-invite.ts: what a developer would write by hand with
 * supertokens-node — `supertokens.init` with the Core's URI, then Passwordless.signInUp +
 * createMagicLink per invitee at a fixed concurrency — in a process of its own, with the SDK's
 * own fetch. Run with CORE_URL, COUNT and CONCURRENCY; prints {"perSecond", "cpuSeconds"} as its
 * last stdout line.
 */
import Passwordless from "supertokens-node/recipe/passwordless";
import { throughput } from "../measure.ts";
import { initSdk } from "../sdk.ts";

const WARMUP = 20;

async function main(): Promise<void> {
  const url = process.env.CORE_URL;
  const count = Number(process.env.COUNT);
  const concurrency = Number(process.env.CONCURRENCY);
  if (!url || !(count > 0) || !(concurrency > 0)) throw new Error("set CORE_URL, COUNT and CONCURRENCY");
  initSdk(url);
  // A short warm-up on other emails (the job's side gets its dry run as one).
  await throughput(WARMUP, 4, async (i) => void (await Passwordless.signInUp({ tenantId: "public", email: `warm${i}@example.com` })));
  const cpu = process.cpuUsage();
  const perSecond = await throughput(count, concurrency, async (i) => {
    const email = `invitee${i}@example.com`;
    const user = await Passwordless.signInUp({ tenantId: "public", email });
    if (user.status !== "OK" || !user.createdNewRecipeUser) throw new Error(`${email}: signInUp did not create a user`);
    const link = await Passwordless.createMagicLink({ tenantId: "public", email });
    if (!link.includes("/verify?")) throw new Error(`${email}: unexpected magic link ${link}`);
  });
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ perSecond, cpuSeconds: (used.user + used.system) / 1e6 }));
}

main().then(
  // supertokens-node keeps idle keep-alive sockets open; the result is out, so leave now.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
