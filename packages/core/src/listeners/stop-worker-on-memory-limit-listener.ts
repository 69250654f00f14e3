import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import { parseMemoryLimit } from "./parse-memory-limit.js";
import type { WorkerListener } from "./worker-listener.js";

export interface StopWorkerOnMemoryLimitListenerOptions {
  /** Bytes the process uses now. @defaultValue `process.memoryUsage().rss` */
  readonly memoryUsage?: () => number;
  readonly logger?: Logger;
}

/**
 * `--memory-limit`: stops the worker once the process uses more than the limit. Checked on every
 * running event, idle ones included, so a worker that grew while busy stops even if the queue
 * then runs dry. The default measure is the resident set size: what the OS (and a container's
 * memory limit) counts, closest to PHP's `memory_get_usage(true)`.
 */
export class StopWorkerOnMemoryLimitListener implements WorkerListener {
  static readonly priority = 0;
  /** The limit in bytes. */
  readonly limit: number;
  readonly #memoryUsage: () => number;
  readonly #logger: Logger;

  /** @param limit bytes, or a string such as `"128M"` (see {@link parseMemoryLimit}). */
  constructor(limit: number | string, options: StopWorkerOnMemoryLimitListenerOptions = {}) {
    this.limit = parseMemoryLimit(limit);
    this.#memoryUsage = options.memoryUsage ?? (() => process.memoryUsage().rss);
    this.#logger = options.logger ?? nullLogger;
  }

  register(events: EventDispatcher): () => void {
    return events.on(
      WorkerRunningEvent,
      (event) => this.onWorkerRunning(event),
      StopWorkerOnMemoryLimitListener.priority,
    );
  }

  onWorkerRunning(event: WorkerRunningEvent): void {
    const used = this.#memoryUsage();
    if (used <= this.limit) return;
    event.worker.stop();
    this.#logger.info(
      { limit: this.limit, memory: used },
      `Worker stopped due to memory limit of ${this.limit} bytes exceeded (${used} bytes used)`,
    );
  }
}
