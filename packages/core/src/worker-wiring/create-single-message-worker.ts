import type { Messenger } from "../config/messenger.js";
import type { Envelope } from "../envelope/envelope.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { StopWorkerOnMessageLimitListener } from "../listeners/stop-worker-on-message-limit-listener.js";
import { registerListeners } from "../listeners/worker-listener.js";
import { SingleMessageReceiver } from "../transport/single-message-receiver.js";
import { WorkerRunningEvent } from "../worker/events/worker-running-event.js";
import { Worker } from "../worker/worker.js";
import { failurePathListeners } from "./failure-path-listeners.js";

export interface SingleMessageWorkerOptions {
  /**
   * The transport the envelope is stored in: it acknowledges or rejects the envelope, and its
   * retry strategy and failure transport decide what happens when handling fails again.
   */
  readonly transportName: string;
  /** The stored envelope, as the transport's `find()` or `all()` returned it. */
  readonly envelope: Envelope;
  /**
   * The worker's event dispatcher; pass a child of `messenger.events` to hear this worker's events
   * (handled, failed, retried). @defaultValue `messenger.events.child()`
   */
  readonly events?: EventDispatcher;
}

/**
 * A worker that handles one stored envelope and stops: `messenger:failed:retry`'s one-shot worker.
 * The envelope goes through the normal worker path (received stamps, the bus, acknowledgement) and,
 * when it fails again, through the same failed-event listeners `createWorker` registers (error
 * details, retry with the transport's strategy, failure transport), so a retried failed message
 * comes back with its history grown instead of being lost.
 *
 * It never calls the transport's `get()`: that would claim other messages the operator did not
 * ask for.
 */
export function createSingleMessageWorker(messenger: Messenger, options: SingleMessageWorkerOptions): Worker {
  const { transportName, envelope } = options;
  const transport = messenger.getTransport(transportName);
  const receiver = new SingleMessageReceiver(transport, envelope);
  const events = options.events ?? messenger.events.child();
  const { clock, logger } = messenger;
  // The failure path of createWorker, without the stop conditions of a long-running consumer.
  registerListeners(events, [
    ...failurePathListeners(messenger, events),
    new StopWorkerOnMessageLimitListener(1, { logger }),
  ]);
  // A listener of the received event may decide not to handle the message: the worker then gets
  // no running event for it, and the first empty round ends the run instead of an idle loop.
  events.on(WorkerRunningEvent, (event) => {
    if (event.isWorkerIdle && !receiver.hasMessage) event.worker.stop();
  });

  return new Worker(new Map([[transportName, receiver]]), messenger.routableBus, events, {
    sleep: 0,
    keepaliveInterval: false,
    logger,
    clock,
  });
}
