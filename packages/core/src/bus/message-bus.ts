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
   * Dispatches and returns the result of the one handler that handled the message. Fails when it was
   * handled zero times (no handler, or routed to an asynchronous transport) or more than once.
   */
  abstract query<R>(message: Query<R> | Envelope<Query<R>>, stamps?: readonly Stamp[]): Promise<R>;
}
