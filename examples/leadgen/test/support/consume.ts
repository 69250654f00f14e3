import {
  createWorker,
  type Envelope,
  type Messenger,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageReceivedEvent,
  WorkerRunningEvent,
} from "@messenger-ts/core";

/** What a worker did, in order. */
export interface Consumption {
  /** Every delivery (one per attempt). */
  readonly received: Envelope[];
  readonly handled: Envelope[];
  readonly failed: { readonly envelope: Envelope; readonly error: Error; readonly willRetry: boolean }[];
  /** Failures that were not retried: the message went to the failure transport. */
  readonly gaveUp: number;
}

export interface ConsumeOptions {
  /** Stop once this holds, checked after each message and each empty round. */
  readonly until: (consumption: Consumption) => boolean;
  /** Fail instead of waiting forever when `until` never holds; below vitest's 5 s test timeout, so a stuck worker never outlives its test. @defaultValue 4000 */
  readonly timeoutMs?: number;
}

/**
 * Runs a real worker (core's `createWorker`, with the retry and failure-transport listeners) on
 * the receivers until `until` holds, and reports what it saw.
 */
export async function consume(
  messenger: Messenger,
  receivers: readonly string[],
  options: ConsumeOptions,
): Promise<Consumption> {
  const received: Envelope[] = [];
  const handled: Envelope[] = [];
  const failed: Consumption["failed"] = [];
  const consumption = {
    received,
    handled,
    failed,
    get gaveUp() {
      return failed.filter((f) => !f.willRetry).length;
    },
  };
  const worker = createWorker(messenger, { receivers, sleep: 10 });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    worker.stop();
  }, options.timeoutMs ?? 4_000);
  const unsubscribe = [
    messenger.events.on(WorkerMessageReceivedEvent, (event) => {
      received.push(event.envelope);
    }),
    messenger.events.on(WorkerMessageHandledEvent, (event) => {
      handled.push(event.envelope);
    }),
    // Lowest priority: runs after the retry listener decided, so willRetry is known.
    messenger.events.on(
      WorkerMessageFailedEvent,
      (event) => {
        failed.push({ envelope: event.envelope, error: event.error, willRetry: event.willRetry });
      },
      -1000,
    ),
    messenger.events.on(WorkerRunningEvent, (event) => {
      if (options.until(consumption)) event.worker.stop();
    }),
  ];
  try {
    await worker.run();
  } finally {
    clearTimeout(timer);
    for (const off of unsubscribe) off();
  }
  if (timedOut) {
    throw new Error(
      `The worker on ${receivers.join(", ")} timed out: ${received.length} received, ${handled.length} handled, ${failed.length} failed (${failed.map((f) => f.error.message).join(" | ")}).`,
    );
  }
  return consumption;
}
