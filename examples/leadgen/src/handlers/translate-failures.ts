import { UnrecoverableMessageHandlingError } from "@messenger-ts/core";
import { LeadgenError } from "../domain/leadgen-error.js";

/**
 * Runs a service call for a handler. A non-retryable application error becomes an
 * `UnrecoverableMessageHandlingError` (straight to the failure transport, no retries); anything
 * else propagates as it is and is retried by the transport's retry strategy. The services stay
 * free of messenger concepts, so a console command can call them inline too.
 */
export async function translateFailures<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LeadgenError && !error.retryable) {
      throw new UnrecoverableMessageHandlingError(`${error.message} [${error.code}]`, { cause: error });
    }
    throw error;
  }
}
