import { sleep, wallNow } from "../clock.js";
import { systemByName } from "../systems/index.js";
import { type Consumer, failIfAsked, type Job } from "../systems/system.js";
import type { MemorySample, WorkerConfig, WorkerEvent } from "./protocol.js";

function memory(handled: number): MemorySample {
  const { rss, heapUsed } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  return { handled, rss, heapUsed, cpu: user + system };
}

/** A running consumer that also answers "sample" (see protocol.ts). */
export interface SampledConsumer extends Consumer {
  /** Sends a "sample" event with the memory, CPU time and handler calls so far. */
  sample(): void;
}

/**
 * Starts a system's consumer with the bench handler: it records the first and last call (wall
 * clock, taken first thing in the handler) and reports what the config asks for.
 */
export async function consume(
  config: WorkerConfig,
  send: (event: WorkerEvent) => void,
): Promise<SampledConsumer> {
  const system = systemByName(config.system);
  let handled = 0;
  let first = 0;
  let last = 0;
  let acked = 0;
  let withBody = 0;
  let timers = 0;
  let timerTotalMs = 0;
  const { expect, reportEach, sampleEvery, handlerMs = 0 } = config;
  /** The handler's "I/O", timed: on a busy machine a 10 ms timer fires late, for every system alike. */
  const io = async (): Promise<void> => {
    const started = wallNow();
    await sleep(handlerMs);
    timers++;
    timerTotalMs += wallNow() - started;
  };
  const handle = (job: Job): void | Promise<void> => {
    const at = wallNow();
    handled++;
    if (handled === 1) first = at;
    last = at;
    if (typeof job.body === "string") withBody++;
    if (reportEach) send({ type: "handled", id: job.id, at, sentAt: job.sentAt });
    if (sampleEvery > 0 && handled % sampleEvery === 0) send({ type: "memory", at, memory: memory(handled) });
    if (handled === expect) send({ type: "done", first, last, count: handled });
    failIfAsked(job);
    if (handlerMs > 0) return io();
  };
  const consumer = await system.openConsumer({
    concurrency: config.concurrency,
    handle,
    acked:
      expect > 0
        ? () => {
            if (++acked === expect) send({ type: "acked", at: wallNow(), count: acked });
          }
        : undefined,
  });
  send({ type: "ready", at: wallNow(), memory: memory(0) });
  return {
    sample() {
      send({ type: "sample", at: wallNow(), memory: memory(handled), first, last });
    },
    async stop() {
      await consumer.stop();
      send({
        type: "stopped",
        handled,
        withBody,
        ...(timers > 0 ? { timerMs: timerTotalMs / timers } : {}),
      });
    },
  };
}
