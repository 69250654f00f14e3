import { AbstractWorkerMessageEvent } from "./abstract-worker-message-event.js";

/**
 * Before a received message is dispatched. A listener that calls `shouldHandle(false)` takes the
 * message over: the worker neither handles, acknowledges nor rejects it.
 */
export class WorkerMessageReceivedEvent extends AbstractWorkerMessageEvent {
  #shouldHandle = true;

  shouldHandle(value?: boolean): boolean {
    if (value !== undefined) this.#shouldHandle = value;
    return this.#shouldHandle;
  }
}
