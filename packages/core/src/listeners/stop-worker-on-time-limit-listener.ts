import { type Clock, systemClock } from "../clock/clock.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import { WorkerStartedEvent } from "../worker/events/worker-started-event.js";
import { assertPositiveNumber } from "./assert-limit.js";
import type { WorkerListener } from "./worker-listener.js";

export interface StopWorkerOnTimeLimitListenerOptions {
  /** @defaultValue systemClock */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * `--time-limit`: stops the worker once it has run for `timeLimit` milliseconds. The clock starts
 * at the started event and is read on every running event, idle ones included; a handler that
 * is running when the time is up finishes first.
 */
export class StopWorkerOnTimeLimitListener implements WorkerListener {
  static readonly priority = 0;
  /** Milliseconds. */
  readonly timeLimit: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #deadline: number | undefined;

  constructor(timeLimit: number, options: StopWorkerOnTimeLimitListenerOptions = {}) {
    assertPositiveNumber("The time limit (milliseconds)", timeLimit);
    this.timeLimit = timeLimit;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
  }

  register(events: EventDispatcher): () => void {
    const offStarted = events.on(
      WorkerStartedEvent,
      () => this.onWorkerStarted(),
      StopWorkerOnTimeLimitListener.priority,
    );
    const offRunning = events.on(
      WorkerRunningEvent,
      (event) => this.onWorkerRunning(event),
      StopWorkerOnTimeLimitListener.priority,
    );
    return () => {
      offStarted();
      offRunning();
    };
  }

  onWorkerStarted(): void {
    this.#deadline = this.#clock.now() + this.timeLimit;
  }

  onWorkerRunning(event: WorkerRunningEvent): void {
    // Registered after the worker started: count from the start the worker reports.
    this.#deadline ??= event.worker.metadata.startedAt + this.timeLimit;
    if (this.#clock.now() < this.#deadline) return;
    event.worker.stop();
    this.#logger.info(
      { timeLimit: this.timeLimit },
      `Worker stopped due to time limit of ${this.timeLimit} ms exceeded`,
    );
  }
}
