/**
 * bcrypt hashing on worker threads, so filling thousands of hashes uses every core and never
 * blocks the service's requests. The workers run a few lines of plain JavaScript (no TypeScript
 * loader reaches a worker) that load bcryptjs from this package's node_modules.
 */
import { createRequire } from "node:module";
import os from "node:os";
import { Worker } from "node:worker_threads";

const WORKER_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const bcrypt = require(workerData.bcryptjs);
parentPort.on("message", ({ id, password, cost }) => parentPort.postMessage({ id, hash: bcrypt.hashSync(password, cost) }));
`;

export class HashPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (hash: string) => void; reject: (err: Error) => void }>();
  private nextId = 0;

  constructor(size = Math.max(1, Math.min(4, os.availableParallelism()))) {
    const bcryptjs = createRequire(import.meta.url).resolve("bcryptjs");
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER_CODE, { eval: true, workerData: { bcryptjs } });
      worker.on("message", ({ id, hash }: { id: number; hash: string }) => {
        this.waiting.get(id)?.resolve(hash);
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
    const id = this.nextId++;
    const worker = this.workers[id % this.workers.length]!;
    return new Promise<string>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, password, cost });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    for (const w of this.waiting.values()) w.reject(new Error("the hash pool was closed"));
    this.waiting.clear();
  }
}
