/**
 * Base of every error the library throws. `code` is stable across releases so callers and
 * operators can match on it instead of on the message text.
 */
export class MessengerError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
