import type { Envelope } from "../envelope/envelope.js";

/** An error that carries the envelope as it was when the error happened (stamps added so far included). */
export interface EnvelopeAwareError {
  readonly envelope: Envelope;
}

export function isEnvelopeAwareError(error: unknown): error is Error & EnvelopeAwareError {
  return error instanceof Error && "envelope" in error && (error as { envelope?: unknown }).envelope != null;
}
