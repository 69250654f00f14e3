import { Acknowledger } from "../batch/acknowledger.js";
import { type Envelope, stampTypes } from "../envelope/envelope.js";
import type { StampType } from "../envelope/stamp.js";
import { HandlerFailedError } from "../envelope-errors/handler-failed-error.js";
import { LogicError } from "../errors/logic-error.js";
import { NoHandlerForMessageError } from "../errors/no-handler-for-message-error.js";
import { type HandlerContext, UNCANCELLABLE } from "../handler/handler-context.js";
import type { HandlerDescriptor } from "../handler/handler-descriptor.js";
import { handlerTimeoutOf } from "../handler/handler-timeout.js";
import type { HandlersLocator } from "../handler/handlers-locator.js";
import { type Logger, nullLogger } from "../logger/logger.js";
import { AckStamp } from "../stamps/ack-stamp.js";
import { FlushBatchHandlersStamp } from "../stamps/flush-batch-handlers-stamp.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import { HandlerArgumentsStamp } from "../stamps/handler-arguments-stamp.js";
import { HandlerCancellationStamp } from "../stamps/handler-cancellation-stamp.js";
import { NoAutoAckStamp } from "../stamps/no-auto-ack-stamp.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
  type DirectCall,
} from "./application-dispatch-shortcut.js";
import { asError } from "./as-error.js";
import { callSoleHandler, failed } from "./call-sole-handler.js";
import { callWithTimeout } from "./call-with-timeout.js";
import { END_OF_STACK } from "./dispatch-stack.js";
import { isThenable } from "./is-thenable.js";
import type { MessengerInstrumentation } from "./messenger-instrumentation.js";
import type { Middleware, Stack } from "./middleware.js";
import { shortcutUnlessOverridden } from "./shortcut-unless-overridden.js";
import { SoleHandlerCall } from "./sole-handler-call.js";

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

/** `types` then the handled stamp's class, in a plain copy loop (a handful of stamps). */
function withHandledType(types: readonly StampType[]): StampType[] {
  const size = types.length;
  const all = new Array<StampType>(size + 1);
  for (let i = 0; i < size; i++) all[i] = types[i]!;
  all[size] = HandledStamp;
  return all;
}

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
  /**
   * As the last middleware, for a message class with exactly one plain handler, the whole
   * dispatch is that handler's call: the bus may make it directly.
   */
  readonly #shortcut: ApplicationDispatchShortcut = {
    directCall: (envelope, rest) => (rest === null ? this.#soleHandlerCall(envelope) : undefined),
  };

  constructor(
    private readonly handlers: HandlersLocator,
    private readonly allowNoHandlers = false,
    private readonly busName = "",
    private readonly instrumentation?: MessengerInstrumentation,
    /** Where a result or error that arrives after a handler's timeout is reported. */
    private readonly logger: Logger = nullLogger,
  ) {}

  get [applicationDispatchShortcut](): ApplicationDispatchShortcut | undefined {
    return shortcutUnlessOverridden(this, HandleMessageMiddleware, this.#shortcut);
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const handlers = this.handlers.getHandlers(envelope);
    if (this.instrumentation?.active())
      return this.#handleAll(envelope, stack, handlers, this.instrumentation);
    // Fast path: one plain handler, first attempt, no extra arguments, no timeout (the usual
    // command or query).
    const cancellation = envelope.last(HandlerCancellationStamp);
    if (
      handlers.length === 1 &&
      isPlainCall(envelope, handlers[0]!) &&
      handlerTimeoutOf(handlers[0]!, envelope.message.constructor, cancellation?.timeout) === undefined
    ) {
      const types = stampTypes(envelope);
      // Resolving the handler's class (to learn whether it is a batch handler) may throw, e.g. an
      // UnresolvableServiceError: reported like the handler's own error, never thrown from dispatch.
      let context: HandlerContext | undefined;
      try {
        context = handlers[0]!.getBatchHandler() ? undefined : (cancellation?.context ?? UNCANCELLABLE);
      } catch (thrown) {
        return Promise.reject(failed(handlers[0]!, envelope.message, envelope.stamps(), types, thrown));
      }
      const handled = callSoleHandler(
        handlers[0]!,
        envelope.message,
        envelope.stamps(),
        types,
        withHandledType(types),
        context,
      );
      const next = stack.next();
      // Usually the last middleware: no extra promise hop then.
      return next === END_OF_STACK ? handled : handled.then((e) => next.handle(e, stack));
    }
    return this.#handleAll(envelope, stack, handlers);
  }

  #soleHandlerCall(envelope: Envelope): DirectCall | undefined {
    const handlers = this.handlers.getHandlers(envelope);
    if (handlers.length !== 1 || !isPlainCall(envelope, handlers[0]!)) return undefined;
    if (handlerTimeoutOf(handlers[0]!, envelope.message.constructor, undefined) !== undefined)
      return undefined;
    return new SoleHandlerCall(handlers[0]!, envelope.stamps(), stampTypes(envelope));
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
    instrumentation?: MessengerInstrumentation,
  ): Promise<Envelope> {
    if (envelope.has(FlushBatchHandlersStamp)) return this.#flush(envelope, stack);
    const message = envelope.message;
    const handled = envelope.all(HandledStamp);
    const extra = envelope.last(HandlerArgumentsStamp)?.additionalArguments ?? [];
    const ackStamp = envelope.last(AckStamp);
    const cancellation = envelope.last(HandlerCancellationStamp);
    const context = cancellation?.context ?? UNCANCELLABLE;
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
          // No context: a batch handler's handle() only collects (see HandlerContext).
          const call = this.#call(descriptor, envelope, context, cancellation?.timeout, () =>
            descriptor.handler(message, ack, ...extra),
          );
          const pending = await (instrumentation
            ? instrumentation.handle(envelope, descriptor.name, call)
            : call());
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
          const call = this.#call(descriptor, envelope, context, cancellation?.timeout, (ctx) =>
            descriptor.getBatchHandler()
              ? descriptor.handler(message, ...extra)
              : descriptor.handler(message, ...extra, ctx),
          );
          result = instrumentation ? instrumentation.handle(envelope, descriptor.name, call) : call();
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
   * The handler's call with its context last; with a timeout (see {@link handlerTimeoutOf}), a
   * call that fails with a `HandlerTimeoutError` once it overruns.
   */
  #call(
    descriptor: HandlerDescriptor,
    envelope: Envelope,
    context: HandlerContext,
    transportTimeout: number | undefined,
    invoke: (context: HandlerContext) => unknown,
  ): () => unknown {
    const timeout = handlerTimeoutOf(descriptor, envelope.message.constructor, transportTimeout);
    if (timeout === undefined) return () => invoke(context);
    return () => callWithTimeout(descriptor.name, timeout, context, this.logger, invoke);
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
