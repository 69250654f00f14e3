import type { Envelope } from "../envelope/envelope.js";
import { MessengerError } from "../errors/messenger-error.js";
import type { EnvelopeAwareError } from "./envelope-aware-error.js";

/** One problem found by a message's schema. `path` is the dotted path to the bad field ("" for the root). */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** A message did not pass its declared schema; `issues` lists every problem. */
export class ValidationFailedError extends MessengerError implements EnvelopeAwareError {
  readonly envelope: Envelope;
  readonly issues: readonly ValidationIssue[];

  constructor(envelope: Envelope, issues: readonly ValidationIssue[]) {
    const name = envelope.message.constructor?.name ?? "message";
    const list = issues.map((i) => `  - ${i.path === "" ? "(root)" : i.path}: ${i.message}`).join("\n");
    super("VALIDATION_FAILED", `Message "${name}" failed validation:\n${list}`);
    this.envelope = envelope;
    this.issues = issues;
  }
}
