import type { MessageClass } from "../message/message-class.js";
import { type MessageTypeRegistry, messageTypes } from "../message/message-type-registry.js";
import { ValueDecoder } from "./value-decoder.js";
import { ValueEncoder } from "./value-encoder.js";

/**
 * Turns message values into JSON-compatible values and back (docs/wire-format.md has the details).
 *
 * - Plain JSON values travel as is.
 * - What JSON cannot express travels as a single-key tagged object: `{"$date": "<ISO 8601>"}`,
 *   `{"$bigint": "123"}`, `{"$map": [[key, value], ...]}`, `{"$set": [...]}`.
 * - An instance of a class registered with `@AsMessage` travels as `{"$type": name, "value": v}`,
 *   where `v` is its own enumerable fields, or its `toJSON()` (read back by a static `fromJSON`).
 * - A plain object that would read back as a tag (one "$" key, or exactly "$type" and "value") is
 *   escaped as `{"$object": {...}}`, so user data never collides with a tag.
 *
 * Instances of other classes, functions, symbols and non-finite numbers are encoding errors
 * naming the path rather than data silently lost or changed.
 */
export class ValueCodec {
  readonly #encoder: ValueEncoder;
  readonly #decoder: ValueDecoder;

  constructor(types: MessageTypeRegistry = messageTypes) {
    this.#encoder = new ValueEncoder(types);
    this.#decoder = new ValueDecoder(types);
  }

  /** The JSON body of a message: its encoded fields (the root is not tagged; its type travels apart). */
  encodeMessage(message: object): string {
    return this.#encoder.encodeMessage(message);
  }

  /** A JSON-compatible form of any value; it may share unchanged parts with the input. */
  encode(value: unknown): unknown {
    return this.#encoder.encode(value);
  }

  /** Rebuilds a message of `type` from its parsed body. Takes ownership of `json` (rewritten in place). */
  decodeMessage(json: unknown, type: MessageClass): object {
    return this.#decoder.decodeMessage(json, type);
  }

  /** Parses a message body and rebuilds the message (see ValueDecoder.decodeMessageText). */
  decodeMessageText(text: string, type: MessageClass): object {
    return this.#decoder.decodeMessageText(text, type);
  }

  /** Rebuilds a value from parsed JSON. Takes ownership of `json` (rewritten in place). */
  decode(json: unknown): unknown {
    return this.#decoder.decode(json);
  }
}
