import type { ErrorDetailsStamp } from "@messenger-ts/core";
import { type FailedMessage, messageBody } from "./failed-message.js";

/** One message in `messenger:failed:show --format=json` (the list). */
export interface FailedMessageSummaryJson {
  readonly id: string | null;
  readonly class: string;
  readonly type: string | null;
  /** ISO 8601, UTC. */
  readonly failedAt: string | null;
  readonly error: ErrorJson | null;
  /** The transport it failed on before it reached the failure transport. */
  readonly originalTransport: string | null;
  /** Its current redelivery count (0 right after it reached the failure transport). */
  readonly retryCount: number;
  readonly decodable: boolean;
}

/** `messenger:failed:show <id> --format=json`: the summary plus everything the -vv view shows. */
export interface FailedMessageDetailsJson extends FailedMessageSummaryJson {
  /** One entry per redelivery stamp, oldest first. */
  readonly history: readonly { readonly retryCount: number; readonly redeliveredAt: string }[];
  /** Every error recorded, oldest first, with stacks. */
  readonly errors: readonly (ErrorJson & { readonly stack: string | null })[];
  /** The message as JSON (its stored body parsed); null when the body is not JSON. */
  readonly message: unknown;
  /** Undecodable messages only: why, and the body and headers exactly as stored. */
  readonly decodingError: string | null;
  readonly rawBody: string | null;
  readonly rawHeaders: Readonly<Record<string, string>> | null;
}

export interface ErrorJson {
  readonly class: string;
  readonly code: string | null;
  readonly message: string;
}

export function failedMessageSummaryJson(message: FailedMessage): FailedMessageSummaryJson {
  return {
    id: message.id ?? null,
    class: message.className,
    type: message.typeName ?? null,
    failedAt: message.failedAt?.toISOString() ?? null,
    error: message.error ? errorJson(message.error) : null,
    originalTransport: message.originalTransport ?? null,
    retryCount: message.history.at(-1)?.retryCount ?? 0,
    decodable: message.undecodable === undefined,
  };
}

export function failedMessageDetailsJson(message: FailedMessage): FailedMessageDetailsJson {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(messageBody(message));
  } catch {
    parsed = null;
  }
  return {
    ...failedMessageSummaryJson(message),
    history: message.history.map((stamp) => ({
      retryCount: stamp.retryCount,
      redeliveredAt: stamp.redeliveredAt.toISOString(),
    })),
    errors: message.errors.map((stamp) => ({ ...errorJson(stamp), stack: stamp.stack })),
    message: message.undecodable ? null : parsed,
    decodingError: message.decodingError ?? null,
    rawBody: message.undecodable?.body ?? null,
    rawHeaders: message.undecodable ? { ...message.undecodable.headers } : null,
  };
}

function errorJson(stamp: ErrorDetailsStamp): ErrorJson {
  return { class: stamp.errorClass, code: stamp.errorCode, message: stamp.errorMessage };
}
