export { type ErrorCode, ErrorCodes } from "./error-codes.js";
export { InvalidArgumentError } from "./invalid-argument-error.js";
export { LogicError } from "./logic-error.js";
export { MessageDecodingFailedError } from "./message-decoding-failed-error.js";
export { MessengerError } from "./messenger-error.js";
export type { MessengerErrorCode } from "./messenger-error-code.js";
export { NoHandlerForMessageError } from "./no-handler-for-message-error.js";
export { NoSenderForMessageError } from "./no-sender-for-message-error.js";
export { RecoverableMessageHandlingError } from "./recoverable-message-handling-error.js";
export { RejectRedeliveredMessageError } from "./reject-redelivered-message-error.js";
export {
  RETRY_DELAY,
  RETRYABLE,
  type RetryMarked,
  retryableOf,
  retryDelayOf,
} from "./retry-marker.js";
export { StopWorkerError } from "./stop-worker-error.js";
export { TransportError } from "./transport-error.js";
export { UnrecoverableMessageHandlingError } from "./unrecoverable-message-handling-error.js";
export { hasWrappedErrors, unwrapErrors, type WrappedErrors } from "./wrapped-errors.js";
