import type { Envelope } from "../envelope/envelope.js";
import { MessengerError } from "../errors/messenger-error.js";
import type { WrappedErrors } from "../errors/wrapped-errors.js";
import type { EnvelopeAwareError } from "./envelope-aware-error.js";

function describe(envelope: Envelope, errors: ReadonlyMap<string, Error>): string {
  const name = envelope.message.constructor?.name ?? "message";
  const first = errors.values().next().value as Error | undefined;
  const firstMessage = first?.message ?? "unknown error";
  if (errors.size === 1) return `Handling "${name}" failed: ${firstMessage}`;
  return `Handling "${name}" failed: ${errors.size} handlers failed. First failure is: ${firstMessage}`;
}

/**
 * One or more handlers of a message threw. Every handler ran; their errors are kept by handler name.
 * `envelope` holds the handled stamps of the handlers that succeeded, so a retry skips them.
 */
export class HandlerFailedError extends MessengerError implements EnvelopeAwareError, WrappedErrors {
  readonly envelope: Envelope;
  /** Handler name → the error it threw, in the order the handlers ran. */
  readonly errorsByHandler: ReadonlyMap<string, Error>;

  constructor(envelope: Envelope, errorsByHandler: ReadonlyMap<string, Error>) {
    const first = errorsByHandler.values().next().value as Error | undefined;
    super("HANDLER_FAILED", describe(envelope, errorsByHandler), { cause: first });
    this.envelope = envelope;
    this.errorsByHandler = errorsByHandler;
  }

  get wrappedErrors(): readonly Error[] {
    return [...this.errorsByHandler.values()];
  }
}
