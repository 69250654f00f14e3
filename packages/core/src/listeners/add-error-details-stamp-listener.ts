import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import { ErrorDetailsStamp } from "../stamps/error-details-stamp.js";
import { WorkerMessageFailedEvent } from "../worker/events/worker-message-failed-event.js";
import type { WorkerListener } from "./worker-listener.js";

/** Bounds of what one error details stamp may hold, in characters. */
export interface AddErrorDetailsStampListenerOptions {
  /** Longer stacks keep their beginning (the error line and the innermost frames); 0 drops them. @defaultValue 4096 */
  readonly maxStackLength?: number;
  /** Longer error messages keep their beginning. @defaultValue 4096 */
  readonly maxMessageLength?: number;
}

const DEFAULT_MAX_LENGTH = 4096;

function assertLength(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${name} must be an integer >= 0, got ${String(value)}.`, {
      code: "INVALID_ARGUMENT",
    });
  }
}

const marker = (cut: number) => `\n[... ${cut} more characters truncated]`;

/** Cuts `text` to at most `max` characters, saying how much was cut when there is room to. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Sized for the longest count the marker could show, so text plus marker never exceeds max.
  const room = max - marker(text.length).length;
  if (room <= 0) return text.slice(0, max);
  return text.slice(0, room) + marker(text.length - room);
}

/**
 * Priority 200 on the failed event, before the retry listener, so the retry copy and the failure
 * copy both carry why the message failed. A stamp equal to the last one (same class, code and
 * message) is not added again. Stamps are bounded: every one travels in the message's headers on
 * every retry, and a deep stack (or an error message quoting a whole payload) would bloat them.
 */
export class AddErrorDetailsStampListener implements WorkerListener {
  static readonly priority = 200;
  readonly #maxStackLength: number;
  readonly #maxMessageLength: number;

  constructor(options: AddErrorDetailsStampListenerOptions = {}) {
    const { maxStackLength = DEFAULT_MAX_LENGTH, maxMessageLength = DEFAULT_MAX_LENGTH } = options;
    assertLength("maxStackLength", maxStackLength);
    assertLength("maxMessageLength", maxMessageLength);
    this.#maxStackLength = maxStackLength;
    this.#maxMessageLength = maxMessageLength;
  }

  register(events: EventDispatcher): () => void {
    return events.on(
      WorkerMessageFailedEvent,
      (event) => this.onMessageFailed(event),
      AddErrorDetailsStampListener.priority,
    );
  }

  onMessageFailed(event: WorkerMessageFailedEvent): void {
    const stamp = this.createStamp(event.error);
    if (stamp.equals(event.envelope.last(ErrorDetailsStamp))) return;
    event.addStamps(stamp);
  }

  /** `ErrorDetailsStamp.create(error)` within this listener's bounds. */
  createStamp(error: unknown): ErrorDetailsStamp {
    const full = ErrorDetailsStamp.create(error);
    const message = truncate(full.errorMessage, this.#maxMessageLength);
    const stack =
      full.stack === null || this.#maxStackLength === 0 ? null : truncate(full.stack, this.#maxStackLength);
    if (message === full.errorMessage && stack === full.stack) return full;
    return new ErrorDetailsStamp(full.errorClass, full.errorCode, message, stack);
  }
}
