import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import { assertPositiveInteger } from "./assert-limit.js";
import type { WorkerListener } from "./worker-listener.js";

/**
 * `--limit`: stops the worker once it has handled `limit` messages, failed ones included (each
 * handled message is followed by one non-idle running event).
 */
export class StopWorkerOnMessageLimitListener implements WorkerListener {
  static readonly priority = 0;
  readonly limit: number;
  readonly #logger: Logger;
  #handled = 0;

  constructor(limit: number, options: { readonly logger?: Logger } = {}) {
    assertPositiveInteger("The message limit", limit);
    this.limit = limit;
    this.#logger = options.logger ?? nullLogger;
  }

  register(events: EventDispatcher): () => void {
    return events.on(
      WorkerRunningEvent,
      (event) => this.onWorkerRunning(event),
      StopWorkerOnMessageLimitListener.priority,
    );
  }

  onWorkerRunning(event: WorkerRunningEvent): void {
    if (event.isWorkerIdle || ++this.#handled < this.limit) return;
    // Reset, as Symfony does, so the listener can serve a worker that is run again.
    this.#handled = 0;
    event.worker.stop();
    this.#logger.info(
      { count: this.limit },
      `Worker stopped due to maximum count of ${this.limit} messages processed`,
    );
  }
}
