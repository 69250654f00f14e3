import type { Logger } from "../logger/logger.js";
import { nullLogger } from "../logger/logger.js";

/** What signal handling needs from a worker. */
export interface StoppableWorker {
  stop(): void;
  abort(): void;
}

export interface StopOnSignalsOptions {
  /** @defaultValue ["SIGTERM", "SIGINT"] */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * After the first signal, how long the worker may take to finish the messages in hand before it
   * is aborted. `undefined` waits for as long as they take (a second signal still aborts).
   */
  readonly gracePeriod?: number;
  readonly logger?: Logger;
  readonly process?: Pick<NodeJS.Process, "on" | "off">;
}

/**
 * Graceful shutdown: the first SIGTERM or SIGINT stops fetching and lets the worker finish and
 * acknowledge the messages in hand; a second signal (or the end of the grace period) aborts, which
 * leaves the unacknowledged messages claimed for redelivery. Returns a function that removes the
 * handlers. Keep the supervisor's stop timeout longer than the slowest handler.
 */
export function stopOnSignals(worker: StoppableWorker, options: StopOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const logger = options.logger ?? nullLogger;
  const proc = options.process ?? process;
  let received = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) {
      logger.info({ signal }, "Received signal; finishing the messages in hand, then stopping");
      worker.stop();
      if (options.gracePeriod !== undefined) {
        graceTimer = setTimeout(() => {
          logger.warn({ gracePeriod: options.gracePeriod }, "Grace period over; aborting the worker");
          worker.abort();
        }, options.gracePeriod);
        graceTimer.unref();
      }
      return;
    }
    logger.warn({ signal }, "Second signal; aborting: unacknowledged messages will be delivered again");
    worker.abort();
  };
  for (const signal of signals) proc.on(signal, onSignal);
  return () => {
    clearTimeout(graceTimer);
    for (const signal of signals) proc.off(signal, onSignal);
  };
}
