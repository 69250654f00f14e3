import { LeadgenError } from "./leadgen-error.js";

/**
 * The input itself is wrong (an unknown lead, an IČO with a bad check digit, a website on a domain
 * that never resolves): the same message fails the same way every time, so it is not retried.
 */
export class PermanentFailureError extends LeadgenError {
  readonly retryable = false;
}
