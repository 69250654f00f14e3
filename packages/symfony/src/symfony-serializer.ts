import {
  type EncodedEnvelope,
  Envelope,
  InvalidArgumentError,
  MessageDecodingFailedError,
  messageTypes,
  NonSendableStamp,
  SerializedMessageStamp,
  type Serializer,
  type Stamp,
  type StampType,
  UndecodableMessage,
} from "@messenger-ts/core";
import {
  type MessageTypeRegistry,
  type StampRegistry,
  sendableStamps,
  ValueCodec,
} from "@messenger-ts/core/serialization";
import { ForeignStamp } from "./foreign-stamp.js";
import { phpSerializedMessageClass } from "./php-serialized-envelope.js";
import { isPhpClassName, type SymfonyClassMap, symfonyClasses } from "./symfony-class-map.js";
import type { SymfonyStampTranslation } from "./symfony-stamp-translation.js";
import { symfonyStampTranslations } from "./symfony-stamps.js";

export interface SymfonySerializerOptions {
  /** PHP class names of the message classes. @defaultValue the map `@AsSymfonyMessage` fills */
  readonly classes?: SymfonyClassMap;
  /** Message types, for a `type` header that is a registered `@AsMessage` name. @defaultValue the `@AsMessage` registry */
  readonly messageTypes?: MessageTypeRegistry;
  /** Stamps both sides know, besides the built-in ones (BusName, Delay, Redelivery, ...). */
  readonly stampTranslations?: readonly SymfonyStampTranslation[];
  /** Sendable stamps Symfony does not know; they travel in `X-Messenger-Ts-Stamp-<name>` headers. @defaultValue the default stamp registry */
  readonly stamps?: StampRegistry;
}

/** Symfony's own header prefix: one header per stamp class, named by the PHP class. */
const SYMFONY_STAMP_PREFIX = "X-Message-Stamp-";
/**
 * Our stamps Symfony has no class for. Symfony 5.4 fails a message (and deletes it) on an
 * `X-Message-Stamp-` header whose class does not exist, so they go under a prefix it ignores.
 */
const OWN_STAMP_PREFIX = "X-Messenger-Ts-Stamp-";
const CONTENT_TYPE = "application/json";

/**
 * Reads and writes Symfony Messenger's `Serializer` format (the JSON one of
 * `messenger.transport.symfony_serializer`), so that a PHP application and this one can share a
 * queue: the PHP class name in the `type` header, the message's fields as a JSON object, and one
 * `X-Message-Stamp-<PHP class>` header per stamp class Symfony knows. Stamps only Symfony has are
 * kept as {@link ForeignStamp}s and written back unchanged; stamps only this side has travel in
 * `X-Messenger-Ts-Stamp-<name>` headers, which Symfony ignores. A body written by Symfony's
 * PhpSerializer is refused with an error that says so. The format is in docs/migrating-from-symfony.md.
 */
export class SymfonySerializer implements Serializer {
  readonly #classes: SymfonyClassMap;
  readonly #types: MessageTypeRegistry;
  readonly #stamps: StampRegistry;
  readonly #codec: ValueCodec;
  readonly #byStamp = new Map<StampType, SymfonyStampTranslation>();
  readonly #byPhpClass = new Map<string, SymfonyStampTranslation>();

  constructor(options: SymfonySerializerOptions = {}) {
    this.#classes = options.classes ?? symfonyClasses;
    this.#types = options.messageTypes ?? messageTypes;
    this.#stamps = options.stamps ?? sendableStamps;
    this.#codec = new ValueCodec(this.#types);
    // So that a transport on the JSON serializer with the same registry keeps foreign stamps too.
    this.#stamps.register(ForeignStamp);
    for (const translation of [...symfonyStampTranslations, ...(options.stampTranslations ?? [])]) {
      this.#byStamp.set(translation.stamp, translation);
      this.#byPhpClass.set(translation.phpClass, translation);
    }
  }

  encode(envelope: Envelope): EncodedEnvelope {
    const message = envelope.message;
    if (message instanceof UndecodableMessage) return this.#encodeUndecodable(message, envelope);
    const type = message.constructor as abstract new (...args: any[]) => object;
    const phpClass = this.#phpClassOf(type);
    // A retry or the failure transport republishes the received bytes: nothing is lost in a round trip.
    const serialized = envelope.last(SerializedMessageStamp);
    const body = serialized === undefined ? encodeBody(message, type) : serialized.serializedMessage;
    const headers: Record<string, string> = { type: phpClass };
    this.#writeStampHeaders(envelope, headers);
    headers["Content-Type"] = CONTENT_TYPE;
    return { body, headers };
  }

  decode(encoded: EncodedEnvelope): Envelope {
    const body: unknown = encoded?.body;
    const headers: unknown = encoded?.headers;
    if (typeof body !== "string" || body === "") {
      throw new MessageDecodingFailedError("Could not decode message: the body is empty.");
    }
    const fields =
      typeof headers === "object" && headers !== null ? (headers as Record<string, unknown>) : {};
    const typeName = Object.hasOwn(fields, "type") ? fields.type : undefined;
    if (typeof typeName !== "string" || typeName === "") {
      const phpClass = phpSerializedMessageClass(body);
      if (phpClass !== undefined) {
        throw new MessageDecodingFailedError(
          `Could not decode message: it was written by Symfony's PhpSerializer (PHP serialize() of the envelope of ${phpClass}), which only PHP can read. Give the Symfony transport "serializer: messenger.transport.symfony_serializer" so that both sides write JSON.`,
        );
      }
      throw new MessageDecodingFailedError(
        'Could not decode message: the "type" header is missing; Symfony\'s serializer writes the PHP class name there.',
      );
    }
    const type = this.#classes.classFor(typeName) ?? this.#types.classFor(typeName);
    if (type === undefined) {
      throw new MessageDecodingFailedError(
        `Could not decode message: unknown message type "${typeName}". Declare the class with @AsSymfonyMessage(${JSON.stringify(typeName)}) (or map it in the serializer's classes) and load its module before decoding.`,
      );
    }
    const stamps = this.#readStampHeaders(fields, false);
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

  decodeStamps(headers: Readonly<Record<string, string>>): Stamp[] {
    return this.#readStampHeaders(headers, true);
  }

  #phpClassOf(type: abstract new (...args: any[]) => object): string {
    const mapped = this.#classes.phpClassOf(type);
    if (mapped !== undefined) return mapped;
    // A type name that is a PHP class name (`@AsMessage("App\\Message\\Ping")`) needs no map.
    const typeName = this.#types.typeNameOf(type);
    if (typeName?.includes("\\") && isPhpClassName(typeName)) return typeName;
    throw new InvalidArgumentError(
      `Cannot encode a message of class ${type.name || "an anonymous class"} for Symfony: it has no PHP class name. Add @AsSymfonyMessage("App\\\\Message\\\\${type.name || "MyMessage"}") to the class, naming the PHP class the Symfony application reads it as.`,
      { code: "MESSAGE_TYPE_NOT_REGISTERED" },
    );
  }

  /** Original body and headers, with the current stamp headers replacing those of the same name. */
  #encodeUndecodable(message: UndecodableMessage, envelope: Envelope): EncodedEnvelope {
    const stampHeaders: Record<string, string> = {};
    this.#writeStampHeaders(envelope, stampHeaders);
    const replaced = new Set(Object.keys(stampHeaders).map((name) => name.toLowerCase()));
    const kept = Object.entries(message.headers).filter(([name]) => !replaced.has(name.toLowerCase()));
    return { body: message.body, headers: { ...Object.fromEntries(kept), ...stampHeaders } };
  }

  #writeStampHeaders(envelope: Envelope, headers: Record<string, string>): void {
    for (const [type, stamps] of envelope.all()) {
      if (type === ForeignStamp) {
        for (const stamp of stamps as ForeignStamp[]) headers[stamp.header] = stamp.value;
        continue;
      }
      if (type.prototype instanceof NonSendableStamp) continue;
      const translation = this.#byStamp.get(type);
      if (translation !== undefined) {
        headers[SYMFONY_STAMP_PREFIX + translation.phpClass] = JSON.stringify(
          stamps.map((stamp) => translation.toSymfony(stamp)),
        );
      } else if (this.#stamps.has(type)) {
        const name = (type as unknown as { stampName: string }).stampName;
        headers[OWN_STAMP_PREFIX + name] = JSON.stringify(stamps);
      } else {
        throw new InvalidArgumentError(
          `Cannot encode stamp ${type.name} for Symfony: it is neither a stamp Symfony knows (give the serializer a stampTranslation for it), nor a registered sendable stamp, nor a NonSendableStamp.`,
          { code: "STAMP_NOT_REGISTERED" },
        );
      }
    }
  }

  /**
   * Symfony stamps become ours where both sides know them, others stay ForeignStamps. A header of a
   * known stamp that cannot be read fails the message (strict), unless `lenient` (an undecodable
   * body's headers, read for the operator: what cannot be read stays in the raw headers).
   */
  #readStampHeaders(headers: Readonly<Record<string, unknown>>, lenient: boolean): Stamp[] {
    const stamps: Stamp[] = [];
    for (const header of Object.keys(headers)) {
      const value = headers[header];
      if (typeof value !== "string") continue;
      try {
        if (header.startsWith(SYMFONY_STAMP_PREFIX)) {
          const phpClass = header.slice(SYMFONY_STAMP_PREFIX.length);
          const translation = this.#byPhpClass.get(phpClass);
          if (translation === undefined) stamps.push(new ForeignStamp(header, value));
          else for (const data of parseList(value, phpClass)) stamps.push(translation.fromSymfony(data));
        } else if (header.startsWith(OWN_STAMP_PREFIX)) {
          const name = header.slice(OWN_STAMP_PREFIX.length);
          const type = this.#stamps.classFor(name);
          if (type === undefined) {
            stamps.push(new ForeignStamp(header, value));
            continue;
          }
          const decoded: Stamp[] = [];
          try {
            for (const data of parseList(value, name)) decoded.push(type.fromJSON(data));
          } catch (error) {
            if (type.dropWhenUndecodable === true) continue;
            throw error;
          }
          stamps.push(...decoded);
        }
      } catch (error) {
        if (lenient) continue;
        if (error instanceof MessageDecodingFailedError) throw error;
        throw new MessageDecodingFailedError(
          `Could not decode stamp header "${header}": ${(error as Error)?.message ?? String(error)}`,
          { cause: error },
        );
      }
    }
    return stamps;
  }
}

function parseList(raw: string, name: string): unknown[] {
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch (error) {
    throw new MessageDecodingFailedError(`Could not decode stamp "${name}": the header is not JSON.`, {
      cause: error,
    });
  }
  if (!Array.isArray(list)) {
    throw new MessageDecodingFailedError(
      `Could not decode stamp "${name}": expected a JSON array of stamps.`,
    );
  }
  return list;
}

/**
 * The message's fields as a plain JSON object, as Symfony's ObjectNormalizer reads them into the
 * PHP class's constructor: a Date becomes its ISO 8601 string (DateTimeNormalizer reads it), a
 * class's `toJSON()` is honoured. Values JSON cannot hold are refused, not silently dropped.
 */
function encodeBody(message: object, type: { readonly name: string }): string {
  try {
    return JSON.stringify(message, (key, value: unknown) => {
      if (value instanceof Map || value instanceof Set) {
        throw new TypeError(
          `${value instanceof Map ? "a Map" : "a Set"} at "${key}" has no JSON form PHP reads`,
        );
      }
      if (typeof value === "number" && !Number.isFinite(value)) {
        throw new TypeError(`the number ${String(value)} at "${key}" has no JSON form`);
      }
      return value;
    });
  } catch (error) {
    throw new InvalidArgumentError(
      `Cannot encode a message of class ${type.name} for Symfony: ${(error as Error).message}.`,
      { code: "UNSERIALIZABLE_VALUE", cause: error },
    );
  }
}
