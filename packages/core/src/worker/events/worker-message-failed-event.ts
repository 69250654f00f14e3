import type { Envelope } from "../../envelope/envelope.js";
import { AbstractWorkerMessageEvent } from "./abstract-worker-message-event.js";

/**
 * Handling failed. Listeners run by priority: error details (200), retry (100), stop conditions
 * (0), failure transport (-100); then the worker rejects the original message.
 */
export class WorkerMessageFailedEvent extends AbstractWorkerMessageEvent {
  #willRetry = false;

  constructor(
    envelope: Envelope,
    receiverName: string,
    readonly error: Error,
  ) {
    super(envelope, receiverName);
  }

  /** Set by the retry listener once it sent a delayed copy. */
  setForRetry(): void {
    this.#willRetry = true;
  }

  get willRetry(): boolean {
    return this.#willRetry;
  }
}
