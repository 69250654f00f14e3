import { Acknowledger } from "../batch/acknowledger.js";
import { appendStamp, type Envelope, stampTypes } from "../envelope/envelope.js";
import { HandlerFailedError } from "../errors/handler-failed-error.js";
import { LogicError } from "../errors/logic-error.js";
import { NoHandlerForMessageError } from "../errors/no-handler-for-message-error.js";
import type { HandlerDescriptor } from "../handler/handler-descriptor.js";
import type { HandlersLocator } from "../handler/handlers-locator.js";
import { AckStamp } from "../stamps/ack-stamp.js";
import { FlushBatchHandlersStamp } from "../stamps/flush-batch-handlers-stamp.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import { HandlerArgumentsStamp } from "../stamps/handler-arguments-stamp.js";
import { NoAutoAckStamp } from "../stamps/no-auto-ack-stamp.js";
import { END_OF_STACK } from "./dispatch-stack.js";
import type { Middleware, Stack } from "./middleware.js";

/** What a handler threw, as an error (a handler may throw anything). */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error
    ? thrown
    : new Error(`Handler threw a non-error value: ${String(thrown)}`, { cause: thrown });
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/**
 * True for the usual command or query: a first attempt (no handled stamp), no extra arguments, not
 * a batch flush, and not a batch handler on a worker. One pass over the stamp classes instead of
 * one lookup per class.
 */
function isPlainCall(envelope: Envelope, descriptor: HandlerDescriptor): boolean {
  const types = stampTypes(envelope);
  let acknowledged = false;
  for (let i = 0; i < types.length; i++) {
    const type = types[i];
    if (type === HandledStamp || type === HandlerArgumentsStamp || type === FlushBatchHandlersStamp)
      return false;
    if (type === AckStamp) acknowledged = true;
  }
  return !(acknowledged && descriptor.getBatchHandler());
}

/**
 * Core-internal, for the bus's direct path (see `MiddlewareMessageBus`): the one handler that
 * `handle()`'s fast path would call for this envelope, or undefined.
 */
let soleHandler: (middleware: HandleMessageMiddleware, envelope: Envelope) => HandlerDescriptor | undefined;

/**
 * Calls every handler of the message and records a handled stamp (with the result) for each one
 * that succeeded. All handlers run even when one throws; their errors are thrown together in a
 * handler-failed error that carries the envelope with the stamps gathered so far. A handler that
 * already has a handled stamp (a retry) is skipped.
 *
 * Batch handlers, on a worker (the envelope has an ack stamp), get an acknowledger; a message they
 * hold gets a no-auto-ack stamp so the worker waits for the acknowledger instead of acking.
 */
export class HandleMessageMiddleware implements Middleware {
  constructor(
    private readonly handlers: HandlersLocator,
    private readonly allowNoHandlers = false,
    private readonly busName = "",
  ) {}

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const handlers = this.handlers.getHandlers(envelope);
    // Fast path: one plain handler, first attempt, no extra arguments (the usual command or query).
    if (handlers.length === 1 && isPlainCall(envelope, handlers[0]!)) {
      return this.#callSole(envelope, handlers[0]!, stack);
    }
    return this.#handleAll(envelope, stack, handlers);
  }

  static {
    soleHandler = (middleware, envelope) => {
      const handlers = middleware.handlers.getHandlers(envelope);
      return handlers.length === 1 && isPlainCall(envelope, handlers[0]!) ? handlers[0] : undefined;
    };
  }

  /** Calls the one handler and stamps its result (`SoleHandlerCall` does the same for the bus). */
  #callSole(envelope: Envelope, descriptor: HandlerDescriptor, stack: Stack): Promise<Envelope> {
    let result: unknown;
    try {
      result = descriptor.handler(envelope.message);
    } catch (thrown) {
      return Promise.reject(this.#failed(envelope, descriptor.name, thrown));
    }
    if (!(result instanceof Promise) && !isThenable(result)) {
      return Promise.resolve(
        this.#next(appendStamp(envelope, new HandledStamp(result, descriptor.name)), stack),
      );
    }
    // Closures rather than an async function: measured fewer instructions per dispatch.
    return Promise.resolve(result).then(
      (value) => this.#next(appendStamp(envelope, new HandledStamp(value, descriptor.name)), stack),
      (thrown) => {
        throw this.#failed(envelope, descriptor.name, thrown);
      },
    );
  }

  #failed(envelope: Envelope, name: string, thrown: unknown): HandlerFailedError {
    return new HandlerFailedError(envelope, new Map([[name, asError(thrown)]]));
  }

  #next(envelope: Envelope, stack: Stack): Promise<Envelope> | Envelope {
    const next = stack.next();
    // Usually the last middleware: skip a needless promise on the hot path.
    return next === END_OF_STACK ? envelope : next.handle(envelope, stack);
  }

  async #handleAll(
    envelope: Envelope,
    stack: Stack,
    handlers: readonly HandlerDescriptor[],
  ): Promise<Envelope> {
    if (envelope.has(FlushBatchHandlersStamp)) return this.#flush(envelope, stack);
    const message = envelope.message;
    const handled = envelope.all(HandledStamp);
    const extra = envelope.last(HandlerArgumentsStamp)?.additionalArguments ?? [];
    const ackStamp = envelope.last(AckStamp);
    let errors: Map<string, Error> | undefined;
    let ran = false;
    let alreadyHandled = false;
    for (const descriptor of handlers) {
      if (handled.length > 0 && handled.some((s) => s.handlerName === descriptor.name)) {
        alreadyHandled = true;
        continue;
      }
      ran = true;
      try {
        const batch = ackStamp ? descriptor.getBatchHandler() : undefined;
        let result: unknown;
        if (batch && ackStamp) {
          const ack = this.#acknowledger(envelope, descriptor, ackStamp);
          const pending = await descriptor.handler(message, ack, ...extra);
          if (!ack.isAcknowledged) {
            if (typeof pending !== "number" || !Number.isInteger(pending) || pending < 0) {
              throw new LogicError(
                `Batch handler ${descriptor.name} must return the number of messages it holds (an integer >= 0), got ${String(pending)}.`,
                { code: "INVALID_BATCH_HANDLER_RESULT" },
              );
            }
            envelope = envelope.with(new NoAutoAckStamp(descriptor));
            continue;
          }
          if (ack.error) throw ack.error;
          result = ack.result;
        } else {
          result = descriptor.handler(message, ...extra);
          if (isThenable(result)) result = await result;
        }
        envelope = envelope.with(new HandledStamp(result, descriptor.name));
      } catch (thrown) {
        errors ??= new Map();
        errors.set(descriptor.name, asError(thrown));
      }
    }
    if (!ran && !alreadyHandled && !this.allowNoHandlers) {
      const on = this.busName ? ` on bus "${this.busName}"` : "";
      throw new NoHandlerForMessageError(
        `No handler for message "${message.constructor?.name ?? "message"}"${on}. Register one with @AsMessageHandler, or allow no handlers on this bus.`,
      );
    }
    if (errors) throw new HandlerFailedError(envelope, errors);
    return this.#next(envelope, stack);
  }

  /**
   * A flush dispatch (the worker holding messages for batch handlers) runs no handler: it asks
   * each batch handler holding this message to process what it collected.
   */
  async #flush(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const force = envelope.last(FlushBatchHandlersStamp)!.force;
    let errors: Map<string, Error> | undefined;
    for (const stamp of envelope.all(NoAutoAckStamp)) {
      try {
        await stamp.handlerDescriptor.getBatchHandler()?.flush(force);
      } catch (thrown) {
        errors ??= new Map();
        errors.set(stamp.handlerDescriptor.name, asError(thrown));
      }
    }
    if (errors) throw new HandlerFailedError(envelope, errors);
    return this.#next(envelope, stack);
  }

  /** The acknowledger hands the batch result (or error) to the worker through the ack stamp. */
  #acknowledger(envelope: Envelope, descriptor: HandlerDescriptor, ackStamp: AckStamp): Acknowledger {
    return new Acknowledger(descriptor.name, (error, result) => {
      if (error) {
        ackStamp.ack(envelope, new HandlerFailedError(envelope, new Map([[descriptor.name, error]])));
      } else {
        ackStamp.ack(envelope.with(new HandledStamp(result, descriptor.name)));
      }
    });
  }
}

export { soleHandler };
