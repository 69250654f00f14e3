import {
  type Envelope,
  type Messenger,
  RedeliveryStamp,
  TransportMessageIdStamp,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageRetriedEvent,
} from "@messenger-ts/core";
import { createSingleMessageWorker } from "@messenger-ts/core/worker";

/** What became of a retried failed message. */
export type RetryOutcome =
  | { readonly status: "handled" }
  /** It failed again; `retry` says where its retry copy went when the retry listener sent one. */
  | {
      readonly status: "failed";
      readonly error: Error;
      readonly retry?: { readonly id: string | undefined; readonly retryCount: number };
    }
  /** A listener of the received event took it over (neither handled nor failed here). */
  | { readonly status: "not handled" };

/**
 * Handles one message of a failure transport again, through a one-shot worker: success
 * acknowledges (removes) it; a new failure goes through the usual failed-event listeners, so the
 * message returns to the failure transport with its history grown instead of being lost.
 */
export async function retryFailedMessage(
  messenger: Messenger,
  transportName: string,
  envelope: Envelope,
): Promise<RetryOutcome> {
  const events = messenger.events.child();
  let outcome: RetryOutcome = { status: "not handled" };
  let retry: { id: string | undefined; retryCount: number } | undefined;
  events.on(WorkerMessageHandledEvent, () => {
    outcome = { status: "handled" };
  });
  events.on(WorkerMessageRetriedEvent, (event) => {
    const id = event.envelope.last(TransportMessageIdStamp)?.id;
    retry = {
      id: id === undefined ? undefined : String(id),
      retryCount: RedeliveryStamp.getRetryCountFromEnvelope(event.envelope),
    };
  });
  // Lowest priority: after the retry (100) and failure-transport (-100) listeners made their decision.
  events.on(
    WorkerMessageFailedEvent,
    (event) => {
      outcome = { status: "failed", error: event.error, ...(retry ? { retry } : {}) };
    },
    -1_000,
  );
  await createSingleMessageWorker(messenger, { transportName, envelope, events }).run();
  return outcome;
}
