import type { MessengerErrorCode } from "./messenger-error-code.js";

/**
 * Base of every error the library throws. `code` is stable across releases so callers and
 * operators can match on it instead of on the message text; every code is in a package's
 * catalogue ({@link ErrorCodes} for core) and in `docs/errors.md`.
 */
export class MessengerError extends Error {
  readonly code: MessengerErrorCode;

  constructor(code: MessengerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
