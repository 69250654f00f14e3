import { RETRYABLE } from "@messenger-ts/core";
import { LeadgenError } from "./leadgen-error.js";

/**
 * The input itself is wrong (an unknown lead, an IČO with a bad check digit, a website on a domain
 * that never resolves): the same message fails the same way every time, so it is not retried.
 * The retry marker says so to the worker, which sends the message straight to `failed`.
 */
export class PermanentFailureError extends LeadgenError {
  readonly retryable = false;
  readonly [RETRYABLE] = false;
}
