import { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { LogicError } from "../errors/logic-error.js";
import type { Query } from "../message/query.js";
import { DispatchStack } from "../middleware/dispatch-stack.js";
import type { Middleware } from "../middleware/middleware.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import { SentStamp } from "../stamps/sent-stamp.js";
import { MessageBus } from "./message-bus.js";

/** A bus that runs its middleware list, in order, for every dispatch. */
export class MiddlewareMessageBus extends MessageBus {
  readonly #middleware: readonly Middleware[];

  constructor(
    readonly name: string,
    middleware: readonly Middleware[],
  ) {
    super();
    this.#middleware = middleware;
  }

  get middleware(): readonly Middleware[] {
    return this.#middleware;
  }

  dispatch<T extends object>(message: T | Envelope<T>, stamps: readonly Stamp[] = []): Promise<Envelope<T>> {
    let envelope: Envelope<T>;
    try {
      envelope = Envelope.wrap(message, stamps);
    } catch (error) {
      return Promise.reject(error);
    }
    const stack = new DispatchStack(this.#middleware);
    return stack.next().handle(envelope, stack) as Promise<Envelope<T>>;
  }

  async query<R>(message: Query<R> | Envelope<Query<R>>, stamps: readonly Stamp[] = []): Promise<R> {
    const envelope = await this.dispatch(message, stamps);
    const handled = envelope.all(HandledStamp);
    const name = envelope.message.constructor?.name ?? "message";
    if (handled.length === 1) return handled[0]!.result as R;
    if (handled.length === 0) {
      const sent = envelope.all(SentStamp).map((s) => s.senderAlias ?? s.senderClass);
      const why =
        sent.length > 0
          ? ` It was sent to ${sent.map((s) => `"${s}"`).join(", ")} instead: a query needs a synchronous handler.`
          : "";
      throw new LogicError(
        `Message of type "${name}" was handled zero times. Exactly one handler is expected when using query().${why}`,
        { code: "QUERY_NOT_HANDLED" },
      );
    }
    throw new LogicError(
      `Message of type "${name}" was handled multiple times (by ${handled.map((s) => s.handlerName).join(", ")}). Only one handler is expected when using query().`,
      { code: "QUERY_HANDLED_MULTIPLE_TIMES" },
    );
  }
}
