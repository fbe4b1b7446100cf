/**
 * bcrypt on worker threads (hashing and comparing), so the work uses every core and never blocks
 * the service's requests. The workers run a few lines of plain JavaScript (no TypeScript
 * loader reaches a worker) that load bcryptjs from this package's node_modules.
 */
import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";

const WORKER_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const bcrypt = require(workerData.bcryptjs);
parentPort.on("message", ({ id, password, cost, hash }) =>
  parentPort.postMessage({ id, result: hash === undefined ? bcrypt.hashSync(password, cost) : bcrypt.compareSync(password, hash) }),
);
`;

export class HashPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (result: string | boolean) => void; reject: (err: Error) => void }>();
  private nextId = 0;

  constructor(size = Math.max(1, Math.min(4, os.availableParallelism()))) {
    const bcryptjs = createRequire(import.meta.url).resolve("bcryptjs");
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER_CODE, { eval: true, workerData: { bcryptjs } });
      worker.on("message", ({ id, result }: { id: number; result: string | boolean }) => {
        this.waiting.get(id)?.resolve(result);
        this.waiting.delete(id);
      });
      worker.on("error", (err) => {
        for (const w of this.waiting.values()) w.reject(err);
        this.waiting.clear();
      });
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  hash(password: string, cost: number): Promise<string> {
    return this.run({ password, cost }) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.run({ password, hash }) as Promise<boolean>;
  }

  private run(message: { password: string; cost?: number; hash?: string }): Promise<string | boolean> {
    const id = this.nextId++;
    // Round robin: bcrypt takes the same time for every password at one cost.
    const worker = this.workers[id % this.workers.length]!;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const w of this.waiting.values()) w.reject(new Error("the hash pool was closed"));
    this.waiting.clear();
  }
}
