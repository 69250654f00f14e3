import {
  type Clock,
  type EventDispatcher,
  SendMessageToTransportsEvent,
  SentAtStamp,
  WorkerMessageFailedEvent,
  WorkerMessageHandledEvent,
  WorkerMessageReceivedEvent,
  WorkerMessageRetriedEvent,
  WorkerMessageSentToFailureTransportEvent,
  WorkerRateLimitedEvent,
  WorkerStartedEvent,
  WorkerStoppedEvent,
} from "@messenger-ts/core";
import { messageAttributes } from "./message-attributes.js";
import type { MessengerInstruments } from "./messenger-instruments.js";
import { ATTRIBUTE } from "./metric-names.js";

/**
 * The worker side of the metrics, from core's events: received, handled, failed, retried, sent to
 * the failure transport, rate-limiter waits and running workers; and the `SentAtStamp` a message
 * gets before its first send. Registered on the messenger's dispatcher, so every worker's events
 * reach it (a worker's dispatcher is a child of the messenger's). Priority -1000 on the failed
 * event: after the retry and failure-transport listeners have decided. Returns the unsubscriber.
 */
export function registerMetricsListeners(
  events: EventDispatcher,
  instruments: MessengerInstruments,
  clock: Clock,
): () => void {
  const removers = [
    events.on(SendMessageToTransportsEvent, (event) => {
      // Kept when a message is sent again (a re-dispatch of a received envelope): the first send counts.
      if (!event.envelope.has(SentAtStamp)) {
        event.envelope = event.envelope.with(new SentAtStamp(clock.now()));
      }
    }),
    events.on(WorkerMessageReceivedEvent, (event) => {
      instruments.received.add(1, messageAttributes(event.envelope, event.receiverName));
    }),
    events.on(WorkerMessageHandledEvent, (event) => {
      instruments.handled.add(1, messageAttributes(event.envelope, event.receiverName));
    }),
    events.on(
      WorkerMessageFailedEvent,
      (event) => {
        instruments.failed.add(1, messageAttributes(event.envelope, event.receiverName));
      },
      -1000,
    ),
    events.on(WorkerMessageRetriedEvent, (event) => {
      instruments.retried.add(1, messageAttributes(event.envelope, event.receiverName));
    }),
    events.on(WorkerMessageSentToFailureTransportEvent, (event) => {
      instruments.sentToFailureTransport.add(1, {
        ...messageAttributes(event.envelope, event.receiverName),
        [ATTRIBUTE.failureTransport]: event.failureTransportName,
      });
    }),
    events.on(WorkerRateLimitedEvent, (event) => {
      const attributes = { [ATTRIBUTE.transport]: event.transportName };
      instruments.rateLimiterWaits.add(1, attributes);
      instruments.rateLimiterWaitDuration.add(event.waitMs / 1000, attributes);
    }),
    events.on(WorkerStartedEvent, () => instruments.runningWorkers.add(1)),
    events.on(WorkerStoppedEvent, () => instruments.runningWorkers.add(-1)),
  ];
  return () => {
    for (const remove of removers) remove();
  };
}
