import type { Envelope } from "../envelope/envelope.js";
import type { Stamp } from "../envelope/stamp.js";

/** An envelope as a transport stores it: a string body and string headers. */
export interface EncodedEnvelope {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Turns envelopes into transport messages and back. */
export interface Serializer {
  /** Drops non-sendable stamps; reuses the serialized-message stamp's body when present. */
  encode(envelope: Envelope): EncodedEnvelope;
  /** Throws a message-decoding-failed error on any problem; never runs code named by the input. */
  decode(encoded: EncodedEnvelope): Envelope;
  /**
   * Optional: the stamps that can be read from the headers alone, skipping any that cannot. Used
   * when the body is undecodable, so a parked message still shows where it failed and why.
   */
  decodeStamps?(headers: Readonly<Record<string, string>>): Stamp[];
}
