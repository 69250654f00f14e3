import type { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import type { Query } from "../message/query.js";

/**
 * A bus: a middleware pipeline that messages are dispatched on. An abstract class rather than an
 * interface so that it can be injected by type (`constructor(private bus: MessageBus)`).
 */
export abstract class MessageBus {
  /** Wraps the message (or reuses the envelope), runs the middleware and returns the final envelope. */
  abstract dispatch<T extends object>(
    message: T | Envelope<T>,
    stamps?: readonly Stamp[],
  ): Promise<Envelope<T>>;

  /**
   * Dispatches several messages (or envelopes), in order, each through the middleware as
   * `dispatch` does, and returns their final envelopes in the same order; `stamps` go on every
   * one. This default dispatches them one by one; the middleware bus (`MiddlewareMessageBus`)
   * sends them in bulk, one round trip per transport.
   */
  async dispatchMany<T extends object>(
    messages: readonly (T | Envelope<T>)[],
    stamps: readonly Stamp[] = [],
  ): Promise<Envelope<T>[]> {
    const dispatched: Envelope<T>[] = [];
    for (const message of messages) dispatched.push(await this.dispatch(message, stamps));
    return dispatched;
  }

  /**
   * Dispatches and returns the result of the one handler that handled the message. Fails when it was
   * handled zero times (no handler, or routed to an asynchronous transport) or more than once.
   */
  abstract query<R>(message: Query<R> | Envelope<Query<R>>, stamps?: readonly Stamp[]): Promise<R>;
}
