import { Envelope, stampTypes } from "../envelope/envelope.js";
import { NonSendableStamp, type Stamp, type StampType } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { MessageDecodingFailedError } from "../errors/message-decoding-failed-error.js";
import { type MessageTypeRegistry, messageTypes } from "../message/message-type-registry.js";
import { SerializedMessageStamp } from "../stamps/serialized-message-stamp.js";
import { assertNoForbiddenKeys, invalidJsonBodyError, mayHoldForbiddenKeys } from "./json-guards.js";
import type { EncodedEnvelope, Serializer } from "./serializer.js";
import { type StampRegistry, sendableStamps } from "./stamp-registry.js";
import { UndecodableMessage } from "./undecodable-message.js";
import { ValueCodec } from "./value-codec.js";
import { exactClassOf } from "./value-encoder.js";

export interface JsonSerializerOptions {
  /** Where type names are looked up; defaults to the registry `@AsMessage` fills. */
  readonly messageTypes?: MessageTypeRegistry;
  /** Sendable stamps known on the wire; defaults to the built-in ones. */
  readonly stamps?: StampRegistry;
}

const STAMP_HEADER_PREFIX = "X-Message-Stamp-";
// Some brokers lowercase header names; the stamp name after it is then matched case-insensitively.
const LOWER_STAMP_HEADER_PREFIX = "x-message-stamp-";
const CONTENT_TYPE = "application/json";

/**
 * The default serializer, wire-compatible in shape with Symfony's Serializer: the message as JSON
 * in the body, its type name in the `type` header, and one `X-Message-Stamp-<name>` header per
 * sendable stamp class holding a JSON array. The full format is in docs/wire-format.md.
 */
export class JsonSerializer implements Serializer {
  readonly #types: MessageTypeRegistry;
  readonly #stamps: StampRegistry;
  readonly #codec: ValueCodec;
  /** Header name per stamp class, or null for a class that never travels; filled lazily. */
  readonly #stampHeaders = new Map<StampType, string | null>();
  /** The header of frozen stamps that always encode alike (see #headerOfOne). */
  readonly #frozenStampHeaders = new WeakMap<Stamp, string>();

  constructor(options: JsonSerializerOptions = {}) {
    this.#types = options.messageTypes ?? messageTypes;
    this.#stamps = options.stamps ?? sendableStamps;
    this.#codec = new ValueCodec(this.#types);
  }

  encode(envelope: Envelope): EncodedEnvelope {
    const message = envelope.message;
    if (message instanceof UndecodableMessage) return this.#encodeUndecodable(message, envelope);
    const type = exactClassOf(message);
    const typeName = type === undefined ? undefined : this.#types.typeNameOf(type);
    if (typeName === undefined) {
      const name = type?.name || "an anonymous class";
      throw new InvalidArgumentError(
        `Cannot encode a message of class ${name}: it has no message type name. Add @AsMessage("...") to the class (e.g. @AsMessage("app.${snakeCase(name)}")) so the receiving side knows what to build.`,
        { code: "MESSAGE_TYPE_NOT_REGISTERED" },
      );
    }
    // Read before non-sendable stamps are dropped: a retry republishes the exact received bytes.
    const serialized = envelope.last(SerializedMessageStamp);
    const body = serialized === undefined ? this.#codec.encodeMessage(message) : serialized.serializedMessage;
    const headers: Record<string, string> = { type: typeName, "Content-Type": CONTENT_TYPE };
    this.#writeStampHeaders(envelope, headers);
    return { body, headers };
  }

  decode(encoded: EncodedEnvelope): Envelope {
    const body: unknown = encoded?.body;
    const headers: unknown = encoded?.headers;
    if (typeof body !== "string" || body === "") {
      throw new MessageDecodingFailedError(
        "Could not decode message: the body is empty. An encoded envelope needs a JSON body and headers.",
      );
    }
    if (typeof headers !== "object" || headers === null) {
      throw new MessageDecodingFailedError(
        'Could not decode message: the headers are missing. An encoded envelope needs at least a "type" header.',
      );
    }
    const fields = headers as Record<string, unknown>;
    const typeName = Object.hasOwn(fields, "type") ? fields.type : undefined;
    if (typeof typeName !== "string" || typeName === "") {
      // A broken body is the likelier first fault (a producer that is not sending JSON at all).
      assertJsonBody(body);
      throw new MessageDecodingFailedError(
        'Could not decode message: the "type" header is missing; it must hold the message type name.',
      );
    }
    const type = this.#types.classFor(typeName);
    if (type === undefined) {
      throw new MessageDecodingFailedError(
        `Could not decode message: unknown message type "${typeName}". Add @AsMessage(${JSON.stringify(typeName)}) to the message class and make sure its module is loaded before decoding.`,
      );
    }
    const stamps = this.#readStampHeaders(fields);
    let message: object;
    try {
      message = this.#codec.decodeMessageText(body, type);
    } catch (error) {
      if (!(error instanceof MessageDecodingFailedError)) throw error;
      throw new MessageDecodingFailedError(`Could not decode message: ${error.message}`, { cause: error });
    }
    stamps.push(new SerializedMessageStamp(body));
    return Envelope.wrap(message, stamps);
  }

  /** Original body and headers, with the current stamp headers replacing those of the same name. */
  #encodeUndecodable(message: UndecodableMessage, envelope: Envelope): EncodedEnvelope {
    const stampHeaders: Record<string, string> = {};
    this.#writeStampHeaders(envelope, stampHeaders);
    const replaced = new Set(Object.keys(stampHeaders).map((name) => name.toLowerCase()));
    // fromEntries defines data properties: a hostile "__proto__" header cannot reach a prototype.
    const kept = Object.entries(message.headers).filter(([name]) => !replaced.has(name.toLowerCase()));
    return { body: message.body, headers: { ...Object.fromEntries(kept), ...stampHeaders } };
  }

  /**
   * One header per sendable stamp class, in the order of each class's first stamp, holding every
   * stamp of that class. Read straight from the envelope's stamps (no grouping map): this runs for
   * every message sent, and an envelope holds a handful of stamps, most classes once.
   */
  #writeStampHeaders(envelope: Envelope, headers: Record<string, string>): void {
    const stamps = envelope.stamps();
    const types = stampTypes(envelope);
    for (let i = 0; i < types.length; i++) {
      const type = types[i]!;
      const header = this.#stampHeaderFor(type);
      // Null: never travels; a header already there: written with the first stamp of its class.
      if (header === null || Object.hasOwn(headers, header)) continue;
      const list = [stamps[i]!];
      for (let j = i + 1; j < types.length; j++) if (types[j] === type) list.push(stamps[j]!);
      try {
        headers[header] = list.length === 1 ? this.#headerOfOne(list) : JSON.stringify(list);
      } catch (error) {
        throw new InvalidArgumentError(`Cannot encode stamp ${type.name}: ${(error as Error).message}`, {
          code: "UNSERIALIZABLE_STAMP",
          cause: error,
        });
      }
    }
  }

  /**
   * The header of a class's only stamp. A frozen stamp of plain values (the bus-name stamp a bus
   * puts on every message it sends is one, shared) always encodes to the same text: it is kept,
   * so a bus sending thousands of messages encodes its stamp once.
   */
  #headerOfOne(list: readonly Stamp[]): string {
    const stamp = list[0]!;
    if (!Object.isFrozen(stamp)) return JSON.stringify(list);
    let header = this.#frozenStampHeaders.get(stamp);
    if (header === undefined) {
      header = JSON.stringify(list);
      if (encodesAlike(stamp)) this.#frozenStampHeaders.set(stamp, header);
    }
    return header;
  }

  #stampHeaderFor(type: StampType): string | null {
    const cached = this.#stampHeaders.get(type);
    if (cached !== undefined) return cached;
    let header: string | null;
    if (type.prototype instanceof NonSendableStamp) {
      header = null;
    } else if (this.#stamps.has(type)) {
      header = STAMP_HEADER_PREFIX + (type as unknown as { stampName: string }).stampName;
    } else {
      // Not cached: the class may be registered later.
      throw new InvalidArgumentError(
        `Cannot encode stamp ${type.name}: it is not a registered sendable stamp, nor a NonSendableStamp. Give it a static stampName and fromJSON and register it in the serializer's StampRegistry, or extend NonSendableStamp if it must not leave the process.`,
        { code: "STAMP_NOT_REGISTERED" },
      );
    }
    this.#stampHeaders.set(type, header);
    return header;
  }

  decodeStamps(headers: Readonly<Record<string, string>>): Stamp[] {
    const stamps: Stamp[] = [];
    for (const header of Object.keys(headers)) {
      try {
        stamps.push(...this.#readStampHeaders({ [header]: headers[header] }));
      } catch (error) {
        // Lenient on purpose: what can be read helps an operator; what cannot is in the raw headers.
        if (!(error instanceof MessageDecodingFailedError)) throw error;
      }
    }
    return stamps;
  }

  #readStampHeaders(headers: Record<string, unknown>): Stamp[] {
    const stamps: Stamp[] = [];
    for (const header of Object.keys(headers)) {
      if (!header.startsWith(STAMP_HEADER_PREFIX) && !header.startsWith(LOWER_STAMP_HEADER_PREFIX)) continue;
      const stampName = header.slice(STAMP_HEADER_PREFIX.length);
      const type = this.#stamps.classFor(stampName);
      if (type === undefined) {
        throw new MessageDecodingFailedError(
          `Could not decode stamp "${stampName}" (header "${header}"): no stamp class is registered under this name. Register it in the serializer's StampRegistry.`,
        );
      }
      try {
        const list = parseStampList(headers[header], type.stampName);
        const decoded: Stamp[] = [];
        for (const data of list) {
          try {
            decoded.push(type.fromJSON(data));
          } catch (error) {
            if (error instanceof MessageDecodingFailedError) throw error;
            throw new MessageDecodingFailedError(
              `Could not decode stamp "${type.stampName}": ${(error as Error)?.message ?? String(error)}`,
              { cause: error },
            );
          }
        }
        stamps.push(...decoded);
      } catch (error) {
        // Another producer's broken trace context must not cost the message itself.
        if (type.dropWhenUndecodable === true && error instanceof MessageDecodingFailedError) continue;
        throw error;
      }
    }
    return stamps;
  }
}

/**
 * True when a frozen stamp's JSON can never change: no toJSON of its own choosing, and only
 * primitive fields (a frozen object's nested objects are not frozen with it).
 */
function encodesAlike(stamp: Stamp): boolean {
  if (typeof (stamp as { toJSON?: unknown }).toJSON === "function") return false;
  for (const value of Object.values(stamp)) {
    if ((typeof value === "object" && value !== null) || typeof value === "function") return false;
  }
  return true;
}

function parseStampList(raw: unknown, stampName: string): unknown[] {
  let list: unknown;
  try {
    if (typeof raw !== "string") throw new TypeError("the header value is not a string");
    list = JSON.parse(raw);
    if (!Array.isArray(list)) throw new TypeError("expected a JSON array of stamps");
    // Stamp fromJSON reads fields directly, so hostile keys are refused before it sees them.
    if (mayHoldForbiddenKeys(raw)) assertNoForbiddenKeys(list);
  } catch (error) {
    throw new MessageDecodingFailedError(
      `Could not decode stamp "${stampName}": ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return list;
}

function assertJsonBody(body: string): void {
  try {
    JSON.parse(body);
  } catch (error) {
    throw new MessageDecodingFailedError(`Could not decode message: ${invalidJsonBodyError(error).message}`, {
      cause: error,
    });
  }
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase() || "my_message";
}
