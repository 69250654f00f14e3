import { Envelope, HandlerFailedError, MultiplierRetryStrategy, RedeliveryStamp } from "../../src/index.js";

export class Job {}

/** Deterministic: 3 retries, waits of 1000, 2000, 4000 ms... */
export const strategy = new MultiplierRetryStrategy({ maxRetries: 3, delay: 1000, multiplier: 2, jitter: 0 });

/** A Job's envelope after `retries` retries. */
export function envelope(retries = 0): Envelope {
  return Envelope.wrap(new Job(), retries === 0 ? [] : [new RedeliveryStamp(retries)]);
}

/** What the handle step throws when these errors came from one handler each. */
export function handlerFailed(...errors: Error[]): HandlerFailedError {
  return new HandlerFailedError(envelope(), new Map(errors.map((error, i) => [`handler${i}`, error])));
}
