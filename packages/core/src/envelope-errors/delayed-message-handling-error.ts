import type { Envelope } from "../envelope/envelope.js";
import { MessengerError } from "../errors/messenger-error.js";
import type { WrappedErrors } from "../errors/wrapped-errors.js";
import type { EnvelopeAwareError } from "./envelope-aware-error.js";

/** Messages deferred with the dispatch-after-current-bus stamp failed after the root dispatch finished. */
export class DelayedMessageHandlingError extends MessengerError implements EnvelopeAwareError, WrappedErrors {
  readonly envelope: Envelope;
  readonly wrappedErrors: readonly Error[];

  constructor(errors: readonly Error[], envelope: Envelope) {
    const head =
      errors.length === 1
        ? "A delayed message handler threw an exception:"
        : "Some delayed message handlers threw an exception:";
    const lines = errors.map((e) => `${e.name}: ${e.message}`).join("\n\n");
    super("DELAYED_MESSAGE_HANDLING", `${head}\n\n${lines}`, { cause: errors[0] });
    this.envelope = envelope;
    this.wrappedErrors = errors;
  }
}
