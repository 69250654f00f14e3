import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { WorkerMessageFailedEvent } from "../worker/events/worker-message-failed-event.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import { assertPositiveInteger } from "./assert-limit.js";
import type { WorkerListener } from "./worker-listener.js";

/**
 * `--failure-limit`: stops the worker once `limit` messages have failed. Failures are counted on
 * the failed event; the stop happens on the running event that follows the message, so the
 * failure path (retry, failure transport) has finished first.
 */
export class StopWorkerOnFailureLimitListener implements WorkerListener {
  static readonly priority = 0;
  readonly limit: number;
  readonly #logger: Logger;
  #failed = 0;

  constructor(limit: number, options: { readonly logger?: Logger } = {}) {
    assertPositiveInteger("The failure limit", limit);
    this.limit = limit;
    this.#logger = options.logger ?? nullLogger;
  }

  register(events: EventDispatcher): () => void {
    const offFailed = events.on(
      WorkerMessageFailedEvent,
      () => this.onMessageFailed(),
      StopWorkerOnFailureLimitListener.priority,
    );
    const offRunning = events.on(
      WorkerRunningEvent,
      (event) => this.onWorkerRunning(event),
      StopWorkerOnFailureLimitListener.priority,
    );
    return () => {
      offFailed();
      offRunning();
    };
  }

  onMessageFailed(): void {
    this.#failed++;
  }

  onWorkerRunning(event: WorkerRunningEvent): void {
    if (event.isWorkerIdle || this.#failed < this.limit) return;
    this.#failed = 0;
    event.worker.stop();
    this.#logger.info(
      { count: this.limit },
      `Worker stopped due to limit of ${this.limit} failed message(s) is reached`,
    );
  }
}
