import { InvalidArgumentError } from "./invalid-argument-error.js";
import { RETRYABLE, type RetryMarked } from "./retry-marker.js";

/**
 * No configured bus matches: a bus-name stamp naming an unknown bus, or none and no fallback bus.
 * Unrecoverable: the configuration will not change between retries, so a received message goes
 * straight to the failure transport instead of being retried as if the fault were transient.
 */
export class UnknownBusError extends InvalidArgumentError implements RetryMarked {
  readonly [RETRYABLE] = false;

  constructor(message: string) {
    super(message, { code: "UNKNOWN_BUS" });
  }
}
