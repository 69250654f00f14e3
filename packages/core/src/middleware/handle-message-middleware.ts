import type { Envelope } from "../envelope/envelope.js";
import { HandlerFailedError } from "../errors/handler-failed-error.js";
import { NoHandlerForMessageError } from "../errors/no-handler-for-message-error.js";
import type { HandlerDescriptor } from "../handler/handler-descriptor.js";
import type { HandlersLocator } from "../handler/handlers-locator.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import { HandlerArgumentsStamp } from "../stamps/handler-arguments-stamp.js";
import { END_OF_STACK } from "./dispatch-stack.js";
import type { Middleware, Stack } from "./middleware.js";

function asError(thrown: unknown): Error {
  return thrown instanceof Error
    ? thrown
    : new Error(`Handler threw a non-error value: ${String(thrown)}`, { cause: thrown });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/**
 * Calls every handler of the message and records a handled stamp (with the result) for each one
 * that succeeded. All handlers run even when one throws; their errors are thrown together in a
 * handler-failed error that carries the envelope with the stamps gathered so far. A handler that
 * already has a handled stamp (a retry) is skipped.
 */
export class HandleMessageMiddleware implements Middleware {
  constructor(
    private readonly handlers: HandlersLocator,
    private readonly allowNoHandlers = false,
    private readonly busName = "",
  ) {}

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const handlers = this.handlers.getHandlers(envelope);
    // Fast path: one handler, first attempt, no extra arguments (the usual command or query).
    if (handlers.length === 1 && !envelope.has(HandledStamp) && !envelope.has(HandlerArgumentsStamp)) {
      const descriptor = handlers[0]!;
      let result: unknown;
      try {
        result = descriptor.handler(envelope.message);
      } catch (thrown) {
        return Promise.reject(this.#failed(envelope, descriptor.name, thrown));
      }
      if (!isThenable(result)) {
        return Promise.resolve(this.#next(envelope.with(new HandledStamp(result, descriptor.name)), stack));
      }
      return Promise.resolve(result).then(
        (value) => this.#next(envelope.with(new HandledStamp(value, descriptor.name)), stack),
        (thrown) => {
          throw this.#failed(envelope, descriptor.name, thrown);
        },
      );
    }
    return this.#handleAll(envelope, stack, handlers);
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
    const message = envelope.message;
    const handled = envelope.all(HandledStamp);
    const extra = envelope.last(HandlerArgumentsStamp)?.additionalArguments;
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
        let result = extra ? descriptor.handler(message, ...extra) : descriptor.handler(message);
        if (isThenable(result)) result = await result;
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
}
