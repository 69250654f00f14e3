import { type Clock, systemClock } from "../clock/clock.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import type { WorkerEventSource } from "../worker/events/worker-event.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import { WorkerStartedEvent } from "../worker/events/worker-started-event.js";
import { WorkerStoppedEvent } from "../worker/events/worker-stopped-event.js";
import { assertPositiveNumber } from "./assert-limit.js";
import type { WorkerListener } from "./worker-listener.js";

export interface StopWorkerOnTimeLimitListenerOptions {
  /** @defaultValue systemClock */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * `--time-limit`: stops the worker once it has run for `timeLimit` milliseconds. The clock starts
 * at the started event and is read on every running event, idle ones included; a timer started
 * with the worker stops it too, so a worker that dispatches no running event (a fetch hanging
 * while the transport's server is down) still stops in time. A handler that is running when the
 * time is up finishes first (within the worker's grace period).
 */
export class StopWorkerOnTimeLimitListener implements WorkerListener {
  static readonly priority = 0;
  /** Milliseconds. */
  readonly timeLimit: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #deadline: number | undefined;
  #timer: AbortController | undefined;
  /** Stopped once already (by the timer or a running event): one stop, one log line. */
  #fired = false;

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
    const offStopped = events.on(WorkerStoppedEvent, () => this.#cancelTimer());
    const offStartedTimer = events.on(WorkerStartedEvent, (event) => this.#startTimer(event.worker));
    return () => {
      offStarted();
      offRunning();
      offStopped();
      offStartedTimer();
      this.#cancelTimer();
    };
  }

  onWorkerStarted(): void {
    this.#deadline = this.#clock.now() + this.timeLimit;
    this.#fired = false;
  }

  #startTimer(worker: WorkerEventSource): void {
    this.#cancelTimer();
    const timer = new AbortController();
    this.#timer = timer;
    void this.#clock.sleep(this.timeLimit, timer.signal).then(() => {
      if (timer.signal.aborted) return;
      this.#timer = undefined;
      this.#stop(worker);
    });
  }

  #cancelTimer(): void {
    this.#timer?.abort();
    this.#timer = undefined;
  }

  onWorkerRunning(event: WorkerRunningEvent): void {
    // Registered after the worker started: count from the start the worker reports.
    this.#deadline ??= event.worker.metadata.startedAt + this.timeLimit;
    if (this.#clock.now() < this.#deadline) return;
    this.#cancelTimer();
    this.#stop(event.worker);
  }

  #stop(worker: WorkerEventSource): void {
    if (this.#fired) return;
    this.#fired = true;
    worker.stop();
    this.#logger.info(
      { timeLimit: this.timeLimit },
      `Worker stopped due to time limit of ${this.timeLimit} ms exceeded`,
    );
  }
}
