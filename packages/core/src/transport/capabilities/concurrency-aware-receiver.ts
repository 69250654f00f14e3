/**
 * A receiver whose backend pushes messages ahead of the worker's fetches (AMQP's prefetch): the
 * worker tells it how many messages it handles at once, so that it holds no more unstarted
 * messages than that, which a crash or a restart would otherwise run late or twice.
 */
export interface ConcurrencyAwareReceiver {
  /** Called once by a worker before it fetches, with its `concurrency`. */
  setWorkerConcurrency(concurrency: number): void;
}

export function isConcurrencyAwareReceiver(value: unknown): value is ConcurrencyAwareReceiver {
  return typeof (value as Partial<ConcurrencyAwareReceiver> | null)?.setWorkerConcurrency === "function";
}
