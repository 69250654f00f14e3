import { createEnvelope, type Envelope } from "../envelope/envelope.js";
import type { Stamp, StampType } from "../envelope/stamp.js";
import { HandlerFailedError } from "../envelope-errors/handler-failed-error.js";
import type { HandlerContext } from "../handler/handler-context.js";
import type { HandlerDescriptor } from "../handler/handler-descriptor.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import { asError } from "./as-error.js";
import { isThenable } from "./is-thenable.js";

/**
 * Calls a message's one handler and stamps its result: the handle step's fast path, and the bus's
 * direct call through `SoleHandlerCall`. The message arrives with `stamps` (their classes in
 * `types`); it resolves to the message with those stamps then the handled stamp, built in one
 * allocation (`handledTypes`: `types` then `HandledStamp`, shared when the caller can). The
 * handler gets `context` after the message (no timeout applies on this path), or nothing more
 * when it is `undefined` (a batch handler: its second parameter is the acknowledger). A failure
 * rejects as the handle step fails: a handler-failed error with the envelope as it reached the
 * handler and the error under the handler's name.
 */
export function callSoleHandler<T extends object>(
  descriptor: HandlerDescriptor,
  message: T,
  stamps: readonly Stamp[],
  types: readonly StampType[],
  handledTypes: readonly StampType[],
  context: HandlerContext | undefined,
): Promise<Envelope<T>> {
  let result: unknown;
  try {
    result = context === undefined ? descriptor.handler(message) : descriptor.handler(message, context);
  } catch (thrown) {
    return Promise.reject(failed(descriptor, message, stamps, types, thrown));
  }
  if (!(result instanceof Promise) && !isThenable(result)) {
    return Promise.resolve(handled(descriptor, message, stamps, handledTypes, result));
  }
  // Closures rather than an async function: measured fewer instructions per dispatch.
  return Promise.resolve(result).then(
    (value) => handled(descriptor, message, stamps, handledTypes, value),
    (thrown) => {
      throw failed(descriptor, message, stamps, types, thrown);
    },
  );
}

function handled<T extends object>(
  descriptor: HandlerDescriptor,
  message: T,
  stamps: readonly Stamp[],
  handledTypes: readonly StampType[],
  result: unknown,
): Envelope<T> {
  const size = stamps.length;
  const all = new Array<Stamp>(size + 1);
  for (let i = 0; i < size; i++) all[i] = stamps[i]!;
  all[size] = new HandledStamp(result, descriptor.name);
  return createEnvelope(message, all, handledTypes);
}

/** The handler's error as `HandlerFailedError`, as a multi-handler dispatch reports it. */
export function failed(
  descriptor: HandlerDescriptor,
  message: object,
  stamps: readonly Stamp[],
  types: readonly StampType[],
  thrown: unknown,
): HandlerFailedError {
  const envelope = createEnvelope(message, stamps, types);
  return new HandlerFailedError(envelope, new Map([[descriptor.name, asError(thrown)]]));
}
