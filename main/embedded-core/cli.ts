/**
 * npm run core -- [--port <n>] [--db <file>] [--api-key <key>] [--demo] [--bulk-import-interval <seconds>]
 *   [--firebase-signer-key <base64>]
 * Starts the embedded local core on 127.0.0.1 and prints one line with its URL when ready.
 */
import { parseArgs } from "node:util";
import { startEmbeddedCore } from "./index.ts";

const USAGE =
  "usage: npm run core -- [--port <n>] [--db <file>] [--api-key <key>[,<key>...]] [--demo] [--bulk-import-interval <seconds>] [--firebase-signer-key <base64>]";

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "3567" },
        db: { type: "string" },
        "api-key": { type: "string" },
        demo: { type: "boolean", default: false },
        "bulk-import-interval": { type: "string" },
        "firebase-signer-key": { type: "string" },
        help: { type: "boolean", default: false },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a number from 0 to 65535, not "${values.port}"\n${USAGE}`);
    process.exit(2);
  }
  const apiKeys = values["api-key"]?.split(",").map((k) => k.trim()).filter((k) => k !== "") ?? [];
  // Seconds between bulk-import runs, like the Core's 5-minute cron; 0 turns the runs off.
  const interval = values["bulk-import-interval"];
  if (interval !== undefined && !/^\d+(\.\d+)?$/.test(interval)) {
    console.error(`--bulk-import-interval must be a number of seconds (0 or more), not "${interval}"\n${USAGE}`);
    process.exit(2);
  }
  const core = await startEmbeddedCore({
    port,
    dbFile: values.db,
    apiKeys,
    demo: values.demo,
    ...(interval !== undefined ? { bulkImportIntervalMs: Math.round(Number(interval) * 1000) } : {}),
    ...(values["firebase-signer-key"] !== undefined ? { firebasePasswordHashingSignerKey: values["firebase-signer-key"] } : {}),
  });
  const storage = values.db ? `database ${values.db}` : "in-memory database";
  console.log(`Embedded SuperTokens core ready at ${core.url} (${storage}${values.demo ? ", demo data" : ""}${apiKeys.length ? ", API key required" : ""})`);
  const stop = (): void => {
    void core.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "EADDRINUSE") console.error(`Port already in use: ${e.message}. Pick another with --port.`);
  else console.error(process.env.GATEHOUSE_DEBUG ? (e.stack ?? String(err)) : `Could not start the embedded core: ${e.message ?? String(err)}`);
  process.exit(1);
});
