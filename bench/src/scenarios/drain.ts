// One worker child process run until it has made `count` handler calls, for the scenarios that
// measure processing under a condition (a slow handler, a backlog, big bodies).

import { jobsPerSecond, timeLimitMs } from "../queue-scenario.js";
import type { System } from "../systems/system.js";
import { WorkerHandle } from "../worker-handle.js";

export interface DrainOptions {
  /** Handler calls to wait for; the rate is taken over them. */
  readonly count: number;
  readonly concurrency: number;
  /** Each handler call awaits a timer of this many ms (see WorkerConfig.handlerMs). */
  readonly handlerMs?: number;
  /**
   * More jobs than `count` are queued (a backlog): the worker may have taken a few more by the time
   * it stops, so only fewer calls than `count` is a problem.
   */
  readonly moreQueued?: boolean;
}

export interface Drained {
  /**
   * count / (last handler call - first handler call + handlerMs), jobs/s: with a slow handler the
   * last call ends handlerMs after it starts, so a worker that keeps `concurrency` calls running
   * all the time reaches exactly concurrency / handlerMs.
   */
  readonly rate: number;
  readonly first: number;
  readonly last: number;
  readonly problems: readonly string[];
  /** Handler calls whose job carried a body. */
  readonly withBody: number;
  /** How long the handler's timer really took, mean ms (when handlerMs > 0). */
  readonly timerMs?: number;
}

/** Starts the worker, waits for `count` handler calls, stops it and checks how many calls it made. */
export async function drain(system: System, options: DrainOptions): Promise<Drained> {
  const { count, concurrency, handlerMs = 0, moreQueued = false } = options;
  const limit = timeLimitMs(count);
  const worker = await WorkerHandle.start(
    { system: system.name, concurrency, reportEach: false, expect: count, sampleEvery: 0, handlerMs },
    system.inProcess ?? false,
  );
  let done: Awaited<ReturnType<WorkerHandle["until"]>>;
  try {
    done = await worker.until((e) => e.type === "done" || e.type === "error", limit);
  } finally {
    await worker.stop();
  }
  if (done?.type !== "done")
    throw new Error(done?.type === "error" ? done.message : `not done within ${limit / 1000} s`);
  const problems: string[] = [];
  const stopped = worker.events.find((e) => e.type === "stopped");
  if (stopped?.type === "stopped" && (moreQueued ? stopped.handled < count : stopped.handled !== count))
    problems.push(`${stopped.handled} handler calls for ${count} jobs`);
  return {
    rate: jobsPerSecond(count, done.last - done.first + handlerMs),
    first: done.first,
    last: done.last,
    problems,
    withBody: stopped?.type === "stopped" ? stopped.withBody : 0,
    ...(stopped?.type === "stopped" && stopped.timerMs !== undefined ? { timerMs: stopped.timerMs } : {}),
  };
}
