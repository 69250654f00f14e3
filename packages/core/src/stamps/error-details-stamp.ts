import { Stamp } from "../envelope/stamp.js";
import { HandlerFailedError } from "../envelope-errors/handler-failed-error.js";
import { optionalStringField, stampFields, stringField } from "./stamp-json.js";

/** Why handling failed: error class, code, message and (flattened) stack. */
export class ErrorDetailsStamp extends Stamp {
  static readonly stampName = "ErrorDetailsStamp";

  constructor(
    readonly errorClass: string,
    readonly errorCode: string | null,
    readonly errorMessage: string,
    readonly stack: string | null = null,
  ) {
    super();
  }

  /** Describes an error; a handler-failed error is described by its first nested error. */
  static create(error: unknown): ErrorDetailsStamp {
    let subject = error;
    if (subject instanceof HandlerFailedError) subject = subject.wrappedErrors[0] ?? subject;
    if (!(subject instanceof Error)) return new ErrorDetailsStamp("unknown", null, String(subject));
    const code = (subject as { code?: unknown }).code;
    return new ErrorDetailsStamp(
      subject.constructor?.name ?? subject.name,
      code === undefined || code === null ? null : String(code),
      subject.message,
      subject.stack ?? null,
    );
  }

  /** Same class, code and message: appending such a stamp again would only repeat it. */
  equals(other: ErrorDetailsStamp | undefined): boolean {
    return (
      other !== undefined &&
      other.errorClass === this.errorClass &&
      other.errorCode === this.errorCode &&
      other.errorMessage === this.errorMessage
    );
  }

  static fromJSON(data: unknown): ErrorDetailsStamp {
    const f = stampFields(data, ErrorDetailsStamp.stampName);
    const name = ErrorDetailsStamp.stampName;
    return new ErrorDetailsStamp(
      stringField(f, "errorClass", name),
      optionalStringField(f, "errorCode", name),
      stringField(f, "errorMessage", name),
      optionalStringField(f, "stack", name),
    );
  }
}
