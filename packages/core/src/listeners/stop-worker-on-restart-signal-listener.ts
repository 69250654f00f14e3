import { type Clock, systemClock } from "../clock/clock.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import type { RestartSignalStore } from "../worker/restart-signal-store.js";
import type { WorkerListener } from "./worker-listener.js";

export interface StopWorkerOnRestartSignalListenerOptions {
  /** Least time between two looks at the store, in milliseconds; 0 looks on every running event. @defaultValue 1000 */
  readonly checkInterval?: number;
  /** @defaultValue systemClock */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/**
 * `messenger:stop-workers`: stops the worker when the store holds a restart request made after
 * the worker started (`metadata.startedAt`). Looked up on running events, idle ones included, but
 * at most once per `checkInterval`: the store is a database row or a Redis key, and a busy worker
 * emits a running event per message. On a busy worker's event the look runs in the background.
 */
export class StopWorkerOnRestartSignalListener implements WorkerListener {
  static readonly priority = 0;
  readonly #store: RestartSignalStore;
  readonly #checkInterval: number;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #lastCheck: number | undefined;

  constructor(store: RestartSignalStore, options: StopWorkerOnRestartSignalListenerOptions = {}) {
    const checkInterval = options.checkInterval ?? 1000;
    if (typeof checkInterval !== "number" || !Number.isFinite(checkInterval) || checkInterval < 0) {
      throw new InvalidArgumentError(
        `checkInterval must be a number of milliseconds >= 0, got ${String(checkInterval)}.`,
        { code: "INVALID_LIMIT" },
      );
    }
    this.#store = store;
    this.#checkInterval = checkInterval;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? nullLogger;
  }

  register(events: EventDispatcher): () => void {
    return events.on(
      WorkerRunningEvent,
      (event) => this.onWorkerRunning(event),
      StopWorkerOnRestartSignalListener.priority,
    );
  }

  async onWorkerRunning(event: WorkerRunningEvent): Promise<void> {
    const now = this.#clock.now();
    if (this.#lastCheck !== undefined && now - this.#lastCheck < this.#checkInterval) return;
    this.#lastCheck = now;
    const look = this.#look(event);
    // A busy worker's running event ends the handling of a message, whose handler slot stays taken
    // until the listeners return: there the look runs beside the worker instead of in its way.
    if (event.isWorkerIdle) await look;
  }

  async #look(event: WorkerRunningEvent): Promise<void> {
    let requestedAt: number | null;
    try {
      requestedAt = await this.#store.getRestartRequestedAt();
    } catch (error) {
      // The store is a backend that can be briefly down; that must not crash the worker. The
      // next look, one interval later, tries again.
      this.#logger.warn({ error }, "Could not read the worker restart signal; will try again");
      return;
    }
    if (requestedAt === null || requestedAt <= event.worker.metadata.startedAt) return;
    event.worker.stop();
    this.#logger.info({ requestedAt }, "Worker stopped because a restart was requested");
  }
}
