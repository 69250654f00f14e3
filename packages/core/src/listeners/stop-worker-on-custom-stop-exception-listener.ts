import { StopWorkerError } from "../errors/stop-worker-error.js";
import { hasWrappedErrors, unwrapErrors } from "../errors/wrapped-errors.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { WorkerMessageFailedEvent } from "../worker/events/worker-message-failed-event.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import type { WorkerListener } from "./worker-listener.js";

/** True when `error` is a StopWorkerError or wraps one at any depth (handler-failed aggregates). */
function asksToStop(error: Error): boolean {
  if (error instanceof StopWorkerError) return true;
  return hasWrappedErrors(error) && unwrapErrors(error, StopWorkerError).length > 0;
}

/**
 * Stops the worker after a message whose handler threw a `StopWorkerError`, directly or nested.
 * The stop happens on the next running event, once the failure path has dealt with the message.
 */
export class StopWorkerOnCustomStopExceptionListener implements WorkerListener {
  static readonly priority = 0;
  readonly #logger: Logger;
  #stop = false;

  constructor(options: { readonly logger?: Logger } = {}) {
    this.#logger = options.logger ?? nullLogger;
  }

  register(events: EventDispatcher): () => void {
    const offFailed = events.on(
      WorkerMessageFailedEvent,
      (event) => this.onMessageFailed(event),
      StopWorkerOnCustomStopExceptionListener.priority,
    );
    const offRunning = events.on(
      WorkerRunningEvent,
      (event) => this.onWorkerRunning(event),
      StopWorkerOnCustomStopExceptionListener.priority,
    );
    return () => {
      offFailed();
      offRunning();
    };
  }

  onMessageFailed(event: WorkerMessageFailedEvent): void {
    if (asksToStop(event.error)) this.#stop = true;
  }

  onWorkerRunning(event: WorkerRunningEvent): void {
    if (!this.#stop) return;
    this.#stop = false;
    event.worker.stop();
    this.#logger.info({}, "Worker stopped because a handler threw a StopWorkerError");
  }
}
