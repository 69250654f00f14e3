import { assertDispatchable, Envelope, stampTypes } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { LogicError } from "../errors/logic-error.js";
import type { Query } from "../message/query.js";
import { DispatchStack } from "../middleware/dispatch-stack.js";
import { HandleMessageMiddleware, soleHandler } from "../middleware/handle-message-middleware.js";
import type { Middleware } from "../middleware/middleware.js";
import { handsOnUnsent, SendMessageMiddleware } from "../middleware/send-message-middleware.js";
import { SoleHandlerCall } from "../middleware/sole-handler-call.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import { SentStamp } from "../stamps/sent-stamp.js";
import { DispatchPrefix } from "./dispatch-prefix.js";
import { MessageBus } from "./message-bus.js";

const NO_STAMPS: readonly Stamp[] = [];

/**
 * A bus that runs its middleware list, in order, for every dispatch. The list is read once, at
 * construction; do not change it afterwards.
 *
 * Two shortcuts give the same result with fewer calls, for a message the application dispatches
 * itself (not received from a transport):
 * - the leading built-ins that only act on received envelopes are skipped ({@link DispatchPrefix});
 * - when what follows is just the built-in send and handle steps, and for this message class there
 *   is nothing to send and exactly one handler, that handler is called directly. Both steps
 *   decide by message class alone for a message dispatched without stamps, so the decision is
 *   made on the first such dispatch of each class and kept.
 */
export class MiddlewareMessageBus extends MessageBus {
  readonly #middleware: readonly Middleware[];
  readonly #prefix: DispatchPrefix;
  /** Set when the middleware after the prefix are exactly the built-in send and handle steps. */
  readonly #send: SendMessageMiddleware | undefined;
  readonly #handle: HandleMessageMiddleware | undefined;
  /** Per message class: its direct handler call, or null when the stack must run. */
  readonly #directCalls = new Map<Function, SoleHandlerCall | null>();
  /** The last class looked up and its answer: a run of one message class skips the map. */
  #lastType: unknown;
  #lastCall: SoleHandlerCall | null = null;

  constructor(
    readonly name: string,
    middleware: readonly Middleware[],
  ) {
    super();
    this.#middleware = middleware;
    this.#prefix = new DispatchPrefix(middleware);
    const [send, handle, ...more] = middleware.slice(this.#prefix.length);
    const direct =
      this.#prefix.length > 0 &&
      more.length === 0 &&
      send?.constructor === SendMessageMiddleware &&
      handle?.constructor === HandleMessageMiddleware;
    this.#send = direct ? (send as SendMessageMiddleware) : undefined;
    this.#handle = direct ? (handle as HandleMessageMiddleware) : undefined;
  }

  get middleware(): readonly Middleware[] {
    return this.#middleware;
  }

  dispatch<T extends object>(
    message: T | Envelope<T>,
    stamps: readonly Stamp[] = NO_STAMPS,
  ): Promise<Envelope<T>> {
    let envelope: Envelope<T> | undefined;
    let start = 0;
    let direct: SoleHandlerCall | null = null;
    try {
      const prefix = this.#prefix;
      if (!prefix.active) {
        envelope = Envelope.wrap(message, stamps);
      } else if (stamps.length === 0 && !(message instanceof Envelope)) {
        assertDispatchable(message);
        if (this.#handle !== undefined) direct = this.#directCallOf(message);
        if (direct === null) {
          envelope = prefix.wrap(message);
          if (envelope === undefined) envelope = Envelope.wrap(message);
          else start = prefix.length;
        }
      } else {
        envelope = Envelope.wrap(message, stamps);
        const after = prefix.apply(envelope);
        if (after !== undefined) {
          envelope = after;
          start = prefix.length;
        }
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (direct !== null) return direct.call(message as T);
    const stack = new DispatchStack(this.#middleware, start);
    return stack.next().handle(envelope!, stack) as Promise<Envelope<T>>;
  }

  /**
   * The direct call for a message dispatched without stamps, or null. Decided on the first such
   * dispatch of each class, by asking the send and handle steps about that message's envelope.
   */
  #directCallOf(message: object): SoleHandlerCall | null {
    const type = message.constructor;
    if (type === this.#lastType) return this.#lastCall;
    let call = this.#directCalls.get(type);
    if (call === undefined) {
      if (typeof type !== "function") return null;
      const envelope = this.#prefix.wrap(message);
      if (envelope === undefined) return null;
      try {
        const descriptor = handsOnUnsent(this.#send!, envelope)
          ? soleHandler(this.#handle!, envelope)
          : undefined;
        call = descriptor ? new SoleHandlerCall(descriptor, envelope.stamps(), stampTypes(envelope)) : null;
      } catch {
        return null; // the stack reports it, on this and every later dispatch
      }
      this.#directCalls.set(type, call);
    }
    this.#lastType = type;
    this.#lastCall = call;
    return call;
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
