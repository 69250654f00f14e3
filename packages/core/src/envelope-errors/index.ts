// Errors that carry the envelope they happened to. They live apart from errors/ because errors/ is
// the bottom of core (every folder throws its errors, envelope/ included) and these need the envelope.
export { DelayedMessageHandlingError } from "./delayed-message-handling-error.js";
export { type EnvelopeAwareError, isEnvelopeAwareError } from "./envelope-aware-error.js";
export { HandlerFailedError } from "./handler-failed-error.js";
export { ValidationFailedError, type ValidationIssue } from "./validation-failed-error.js";
