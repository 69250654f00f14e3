import type { Queue, Worker } from "bullmq";
import { importPeer } from "../peers.js";
import {
  type Backend,
  type Consumer,
  type ConsumerOptions,
  type Job,
  type Producer,
  RETRIES,
  RETRY_DELAY_MS,
  type System,
} from "./system.js";

export const QUEUE = "bench";

/** BullMQ in the release of this run (the pinned and the newest 6.x share this API). */
export const load = () => importPeer<typeof import("bullmq")>("bullmq");
export const JOB_OPTIONS = { attempts: RETRIES + 1, backoff: { type: "fixed", delay: RETRY_DELAY_MS } };

/** What differs between BullMQ on Redis and on PostgreSQL: how queues and workers are built. */
export interface BullmqBackend {
  readonly name: string;
  readonly backend: Backend;
  readonly settings: string;
  probe(): Promise<string | undefined>;
  clean(): Promise<void>;
  settle?(): Promise<void>;
  queue(): Promise<Queue>;
  worker(processor: (job: { data: Job }) => Promise<void>, concurrency: number): Promise<Worker>;
}

/** BullMQ: one Queue to produce, one Worker with `concurrency` to consume; completed jobs are kept (its default). */
export function bullmqSystem(backend: BullmqBackend): System {
  return {
    name: backend.name,
    backend: backend.backend,
    peer: true,
    get settings() {
      return backend.settings;
    },
    async preload() {
      await load();
    },
    probe: () => backend.probe(),
    clean: () => backend.clean(),
    ...(backend.settle ? { settle: backend.settle } : {}),

    async openProducer(): Promise<Producer> {
      const queue = await backend.queue();
      try {
        await queue.waitUntilReady();
      } catch (error) {
        await queue.close().catch(() => {});
        throw error;
      }
      return {
        async enqueue(job: Job) {
          await queue.add(QUEUE, job);
        },
        async enqueueBulk(jobs: readonly Job[]) {
          await queue.addBulk(jobs.map((data) => ({ name: QUEUE, data })));
        },
        async pending() {
          const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
          return Object.values(counts).reduce((sum, n) => sum + n, 0);
        },
        hasFailed: async () => (await queue.getFailedCount()) > 0,
        close: () => queue.close(),
      };
    },

    async openConsumer({ concurrency, handle }: ConsumerOptions): Promise<Consumer> {
      const worker = await backend.worker(async (job) => handle(job.data), concurrency);
      worker.on("error", (error) => console.error(`${backend.name}: ${error.message}`));
      try {
        await worker.waitUntilReady();
      } catch (error) {
        await worker.close().catch(() => {});
        throw error;
      }
      return { stop: () => worker.close() };
    },
  };
}
