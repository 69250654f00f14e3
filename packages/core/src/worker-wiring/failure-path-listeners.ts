import type { Messenger } from "../config/messenger.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { AddErrorDetailsStampListener } from "../listeners/add-error-details-stamp-listener.js";
import { SendFailedMessageForRetryListener } from "../listeners/send-failed-message-for-retry-listener.js";
import { SendFailedMessageToFailureTransportListener } from "../listeners/send-failed-message-to-failure-transport-listener.js";
import type { WorkerListener } from "../listeners/worker-listener.js";
import { RetryStrategyLocator } from "../retry/retry-strategy-locator.js";
import type { Sender } from "../transport/sender.js";

/**
 * What happens to a message whose handling failed, as Symfony wires it for every worker: the error
 * details stamp, then a retry with the transport's strategy, else the failure transport. Shared by
 * `createWorker` and the one-shot worker of `messenger:failed:retry`, so both fail the same way.
 */
export function failurePathListeners(messenger: Messenger, events: EventDispatcher): WorkerListener[] {
  const { clock, logger } = messenger;
  const strategies = new RetryStrategyLocator(messenger);
  const senderFor = (name: string): Sender | undefined =>
    messenger.transportNames.includes(name) ? messenger.getTransport(name) : undefined;
  const failureSenderFor = (name: string) => {
    const failureName = messenger.transportNames.includes(name)
      ? messenger.getFailureTransportName(name)
      : undefined;
    return failureName === undefined
      ? undefined
      : { name: failureName, sender: messenger.getTransport(failureName) };
  };
  return [
    new AddErrorDetailsStampListener(),
    new SendFailedMessageForRetryListener({
      senderFor,
      retryStrategyFor: strategies.lookup,
      events,
      logger,
      clock,
    }),
    new SendFailedMessageToFailureTransportListener({
      failureSenderFor,
      senderFor,
      retryStrategyFor: strategies.lookup,
      logger,
      clock,
    }),
  ];
}
