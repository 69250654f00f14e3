import { assertDispatchable, Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { LogicError } from "../errors/logic-error.js";
import type { Query } from "../message/query.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
  type DirectCall,
} from "../middleware/application-dispatch-shortcut.js";
import { BulkSend } from "../middleware/bulk-send.js";
import { DispatchStack } from "../middleware/dispatch-stack.js";
import type { Middleware } from "../middleware/middleware.js";
import { BulkSendStamp } from "../stamps/bulk-send-stamp.js";
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
 * itself (not received from a transport), as the middleware allow through their
 * {@link ApplicationDispatchShortcut}; the bus knows no middleware by name:
 * - the leading middleware that declare themselves skippable are skipped ({@link DispatchPrefix});
 * - when every middleware after those offers a direct call, the first dispatch without stamps of
 *   each message class asks them, last to first, for one call standing for them all, and the
 *   answer (the call, or "run the stack") is kept for that class.
 */
export class MiddlewareMessageBus extends MessageBus {
  readonly #middleware: readonly Middleware[];
  readonly #prefix: DispatchPrefix;
  /** True when there is something to shortcut: a skippable prefix or a chain of direct calls. */
  readonly #shortcuts: boolean;
  /** The shortcuts of the middleware after the prefix when every one offers a direct call. */
  readonly #chain: readonly ApplicationDispatchShortcut[] | undefined;
  /** Per message class: its direct call, or null when the stack must run. */
  readonly #directCalls = new Map<Function, DirectCall | null>();
  /** The last class looked up and its answer: a run of one message class skips the map. */
  #lastType: unknown;
  #lastCall: DirectCall | null = null;

  constructor(
    readonly name: string,
    middleware: readonly Middleware[],
  ) {
    super();
    this.#middleware = middleware;
    this.#prefix = new DispatchPrefix(middleware);
    const chain = middleware.slice(this.#prefix.length).map((m) => m[applicationDispatchShortcut]);
    this.#chain =
      chain.length > 0 && chain.every((s) => s?.directCall !== undefined)
        ? (chain as ApplicationDispatchShortcut[])
        : undefined;
    this.#shortcuts = this.#prefix.length > 0 || this.#chain !== undefined;
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
    let direct: DirectCall | null = null;
    try {
      const prefix = this.#prefix;
      if (!this.#shortcuts || !prefix.enabled()) {
        envelope = Envelope.wrap(message, stamps);
      } else if (stamps.length === 0 && !(message instanceof Envelope)) {
        assertDispatchable(message);
        if (this.#chain !== undefined) direct = this.#directCallOf(message);
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
   * dispatch of each class, by asking the middleware after the prefix, last to first, about that
   * message's envelope.
   */
  #directCallOf(message: object): DirectCall | null {
    const type = message.constructor;
    if (type === this.#lastType) return this.#lastCall;
    let call = this.#directCalls.get(type);
    if (call === undefined) {
      if (typeof type !== "function") return null;
      const envelope = this.#prefix.wrap(message);
      if (envelope === undefined) return null;
      const chain = this.#chain!;
      call = null;
      try {
        for (let i = chain.length - 1; i >= 0; i--) {
          call = chain[i]!.directCall!(envelope, call) ?? null;
          if (call === null) break;
        }
      } catch {
        return null; // the stack reports it, on this and every later dispatch
      }
      this.#directCalls.set(type, call);
    }
    this.#lastType = type;
    this.#lastCall = call;
    return call;
  }

  /**
   * `dispatch(message, stamps)` for `stamps` no one else holds (dispatchMany's, never empty): a
   * message gets its envelope with the skipped middleware's stamps in one step, in the order
   * `dispatch` would give them, instead of being wrapped and then copied again.
   */
  #dispatchInBulk<T extends object>(message: T | Envelope<T>, stamps: Stamp[]): Promise<Envelope<T>> {
    const prefix = this.#prefix;
    let envelope: Envelope<T> | undefined;
    try {
      if (!this.#shortcuts || message instanceof Envelope || !prefix.enabled()) {
        return this.dispatch(message, stamps);
      }
      assertDispatchable(message);
      envelope = prefix.wrapWith(message, stamps);
    } catch (error) {
      return Promise.reject(error);
    }
    if (envelope === undefined) return this.dispatch(message, stamps);
    const stack = new DispatchStack(this.#middleware, prefix.length);
    return stack.next().handle(envelope, stack) as Promise<Envelope<T>>;
  }

  /**
   * Dispatches several messages (or envelopes) through the middleware, one after the other, in
   * order, and sends those routed to transports in one round trip per transport
   * (`BulkSender.sendMany()`, or one `send()` each for a transport that is not one), the messages
   * in order; returns the final envelopes in the order given, each with its transport's id.
   * `stamps` go on every message (a `PostgresTransactionStamp` keeps all of them in the caller's
   * transaction). A message no transport takes is handled by its handlers during its turn, as
   * `dispatch` would.
   *
   * All or nothing, like BullMQ's `addBulk`: when a message fails in the middleware (validation,
   * a synchronous handler, routing), nothing is sent and that error is thrown as `dispatch` would
   * throw it; the synchronous handlers of the messages before it have run. When a transport fails,
   * its messages and those of the transports after it are not sent and its error is thrown; the
   * transports before it keep what they stored, unless they share the caller's transaction.
   */
  override async dispatchMany<T extends object>(
    messages: readonly (T | Envelope<T>)[],
    stamps: readonly Stamp[] = NO_STAMPS,
  ): Promise<Envelope<T>[]> {
    if (!Array.isArray(messages)) {
      throw new InvalidArgumentError(
        `dispatchMany() takes an array of messages or envelopes, got ${messages === null ? "null" : typeof messages}.`,
      );
    }
    const bulk = new BulkSend();
    const dispatched: Envelope<T>[] = [];
    // A subclass that overrides dispatch() gets every message through it.
    const own = this.dispatch === MiddlewareMessageBus.prototype.dispatch;
    try {
      for (let index = 0; index < messages.length; index++) {
        const bulkStamp = new BulkSendStamp(bulk, index);
        // A fresh array per message: the envelope takes it over.
        const given = stamps.length === 0 ? [bulkStamp] : [...stamps, bulkStamp];
        const message = messages[index]!;
        dispatched.push(await (own ? this.#dispatchInBulk(message, given) : this.dispatch(message, given)));
      }
    } finally {
      bulk.close();
    }
    await bulk.send();
    return dispatched.map((envelope, index) => bulk.result(index, envelope));
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
