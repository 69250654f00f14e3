import { createEnvelope, type Envelope } from "../envelope/envelope.js";
import type { Stamp, StampType } from "../envelope/stamp.js";
import { HandlerFailedError } from "../errors/handler-failed-error.js";
import type { HandlerDescriptor } from "../handler/handler-descriptor.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import { asError, isThenable } from "./handle-message-middleware.js";

/**
 * What the handle step's fast path does with a message that has exactly one plain handler, as one
 * call, for the bus's direct path (see `MiddlewareMessageBus`): call the handler, then build the
 * final envelope (the stamps the message had, then the handled stamp) in one allocation. Made once
 * per bus and message class; the message's stamps before handling are the same for every dispatch
 * on that path, so they and the final stamp classes are computed here, once.
 */
export class SoleHandlerCall {
  readonly #descriptor: HandlerDescriptor;
  readonly #stamps: readonly Stamp[];
  readonly #types: readonly StampType[];
  /** `#types` then the handled stamp's class: the same for every final envelope, so shared. */
  readonly #handledTypes: readonly StampType[];

  constructor(descriptor: HandlerDescriptor, stamps: readonly Stamp[], types: readonly StampType[]) {
    this.#descriptor = descriptor;
    this.#stamps = stamps;
    this.#types = types;
    this.#handledTypes = [...types, HandledStamp];
  }

  call<T extends object>(message: T): Promise<Envelope<T>> {
    let result: unknown;
    try {
      result = this.#descriptor.handler(message);
    } catch (thrown) {
      return Promise.reject(this.#failed(message, thrown));
    }
    if (!(result instanceof Promise) && !isThenable(result))
      return Promise.resolve(this.#handled(message, result));
    // Closures rather than an async function: measured fewer instructions per dispatch.
    return Promise.resolve(result).then(
      (value) => this.#handled(message, value),
      (thrown) => {
        throw this.#failed(message, thrown);
      },
    );
  }

  #handled<T extends object>(message: T, result: unknown): Envelope<T> {
    const stamps = this.#stamps;
    const size = stamps.length;
    const all = new Array<Stamp>(size + 1);
    for (let i = 0; i < size; i++) all[i] = stamps[i]!;
    all[size] = new HandledStamp(result, this.#descriptor.name);
    return createEnvelope(message, all, this.#handledTypes);
  }

  /** As the handle step fails: the envelope as it reached the handler, the error by handler name. */
  #failed(message: object, thrown: unknown): HandlerFailedError {
    const envelope = createEnvelope(message, this.#stamps, this.#types);
    return new HandlerFailedError(envelope, new Map([[this.#descriptor.name, asError(thrown)]]));
  }
}
