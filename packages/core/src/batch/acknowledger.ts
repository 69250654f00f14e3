import { LogicError } from "../errors/logic-error.js";

/**
 * Given to a batch handler with each message it collects; the handler calls `ack(result)` or
 * `nack(error)` once it processed the message, possibly long after it returned. Calling it twice is
 * a programming error. (Symfony also fails when an acknowledger is garbage-collected unused; JS
 * has no destructors, so the worker's flush on stop and its timed flush play that part.)
 */
export class Acknowledger {
  #done = false;
  #error: Error | null = null;
  #result: unknown = null;

  constructor(
    readonly handlerName: string,
    private readonly onAck: ((error: Error | null, result: unknown) => void) | null = null,
  ) {}

  ack(result: unknown = null): void {
    this.#settle(null, result);
  }

  nack(error: Error): void {
    this.#settle(error, null);
  }

  get isAcknowledged(): boolean {
    return this.#done;
  }

  get error(): Error | null {
    return this.#error;
  }

  get result(): unknown {
    return this.#result;
  }

  #settle(error: Error | null, result: unknown): void {
    if (this.#done) {
      throw new LogicError(`The acknowledger of "${this.handlerName}" was called twice.`, {
        code: "ACKNOWLEDGER_CALLED_TWICE",
      });
    }
    this.#done = true;
    this.#error = error;
    this.#result = result;
    this.onAck?.(error, result);
  }
}
