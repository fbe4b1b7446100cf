/**
 * A Gatehouse in a process of its own, driven over the IPC channel of `fork`, so that a test can
 * crash it for real (SIGKILL: no close, no grace, the journal as the crash left it) and start
 * another Gatehouse on the same data folder. The parent side is forkGatehouse() (crash.ts).
 *
 * Environment: GATEHOUSE_DATA_DIR, and GATEHOUSE_JOBS (JobsOptions as JSON).
 */
import { startGatehouse } from "../../../main/app.ts";
import type { JobsOptions } from "../../../main/jobs/index.ts";

export interface Request {
  id: number;
  op: string;
  input: unknown;
}

const dataDir = process.env.GATEHOUSE_DATA_DIR;
if (!dataDir || !process.send) throw new Error("run through forkGatehouse(): GATEHOUSE_DATA_DIR and an IPC channel are needed");
const send = process.send.bind(process);
const jobs = JSON.parse(process.env.GATEHOUSE_JOBS ?? "{}") as JobsOptions;

const gatehouse = await startGatehouse({ dataDir, embeddedCore: false, operator: "tester", jobs });
process.on("message", (request: Request) => {
  void gatehouse.dispatcher.invoke(request.op, request.input, gatehouse.desktopCaller()).then((envelope) => send({ id: request.id, envelope }));
});
send({ ready: true });
