import { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";
import { MessageDecodingFailedError } from "../errors/message-decoding-failed-error.js";
import { MessageDecodingFailedStamp } from "../stamps/message-decoding-failed-stamp.js";
import type { EncodedEnvelope, Serializer } from "./serializer.js";

/**
 * Stands in for a message that could not be decoded, so a receiver can hand it to the worker
 * instead of crashing or dropping it (what Symfony 7.2 does). It fails in the bus as unrecoverable
 * and, when re-encoded for the failure transport, travels with its original body and headers.
 *
 * Deliberately not registered as a message type: its raw body is not its JSON form.
 */
export class UndecodableMessage {
  /** The body exactly as received. */
  readonly body: string;
  /** The headers as received (a frozen copy). */
  readonly headers: Readonly<Record<string, string>>;
  /** Why decoding failed (the decoding error's message). */
  readonly reason: string;

  constructor(body: string, headers: Readonly<Record<string, string>>, reason: string) {
    this.body = body;
    // Spread copies with data-property semantics, so a hostile "__proto__" header stays a plain key.
    this.headers = Object.freeze({ ...headers });
    this.reason = reason;
  }
}

/**
 * Decodes, or wraps what could not be decoded in an {@link UndecodableMessage} carrying a
 * {@link MessageDecodingFailedStamp}. Only decoding errors are caught: anything else is a bug that
 * must surface, not a message to park.
 */
export function decodeOrUndecodable(serializer: Serializer, encoded: EncodedEnvelope): Envelope {
  try {
    return serializer.decode(encoded);
  } catch (error) {
    if (!(error instanceof MessageDecodingFailedError)) throw error;
    // Transports should never pass a missing body or headers, but this is the path for bad input.
    const body = typeof encoded?.body === "string" ? encoded.body : "";
    const headers = typeof encoded?.headers === "object" && encoded.headers !== null ? encoded.headers : {};
    // The stamps the headers still hold (where it failed before, why) stay readable for operators.
    let recovered: Stamp[] = [];
    try {
      recovered = serializer.decodeStamps?.(headers) ?? [];
    } catch {
      recovered = [];
    }
    return Envelope.wrap(new UndecodableMessage(body, headers, error.message), [
      ...recovered,
      new MessageDecodingFailedStamp(error.message),
    ]);
  }
}
