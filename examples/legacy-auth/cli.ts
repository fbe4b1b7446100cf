/**
 * `npm run legacy-auth -- --port N [--db file] [--users 5000] [--seed 1] [--cost 10] [--token T]`
 * Starts LegacyAuth on 127.0.0.1 and prints its URL (first line: `legacy auth: <url>`).
 */
import { parseArgs } from "node:util";
import { DEFAULT_LEGACY_SEED, DEFAULT_LEGACY_USERS } from "../../main/embedded-core/demo/legacy-roster.ts";
import { DEFAULT_COST, MAX_COST, MIN_COST } from "./passwords.ts";
import { DEFAULT_LEGACY_TOKEN, startLegacyAuth } from "./server.ts";

function fail(message: string): never {
  console.error(`legacy-auth: ${message}`);
  process.exit(2);
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) fail(`--${name} must be a whole number ${min}-${max}, not ${text}`);
  return n;
}

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    db: { type: "string" },
    users: { type: "string", default: String(DEFAULT_LEGACY_USERS) },
    seed: { type: "string", default: String(DEFAULT_LEGACY_SEED) },
    cost: { type: "string", default: String(DEFAULT_COST) },
    token: { type: "string" },
  },
  strict: true,
});

if (values.port === undefined) fail("--port N is required (0 picks a free port)");
const port = wholeNumber("port", values.port, 0, 65535);
const users = wholeNumber("users", values.users, 1, 1_000_000);
const seed = wholeNumber("seed", values.seed, 0, 2 ** 31 - 1);
const cost = wholeNumber("cost", values.cost, MIN_COST, MAX_COST);
const token = values.token ?? DEFAULT_LEGACY_TOKEN;
if (token.length < 8) fail("--token must be at least 8 characters");

let lastReport = 0;
const service = await startLegacyAuth({
  port,
  users,
  seed,
  cost,
  token,
  ...(values.db ? { dbFile: values.db } : {}),
  onHashProgress: (hashed, total) => {
    if (hashed === total || Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      console.log(`password hashes: ${hashed} of ${total}`);
    }
  },
}).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));

console.log(`legacy auth: ${service.url}`);
console.log(
  `${users} users of seed ${seed} (legacy-100001…); password of legacy-N is Legacy-N; bcrypt cost ${cost}; ` +
    `bearer token: ${values.token ? "as given" : `${DEFAULT_LEGACY_TOKEN} (the default; pass --token for your own)`}`,
);

const stop = () => {
  void service.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
