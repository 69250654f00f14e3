import { MessageDecodingFailedError } from "../errors/message-decoding-failed-error.js";
import type { MessageClass } from "../message/message-class.js";
import type { MessageTypeRegistry } from "../message/message-type-registry.js";
import {
  forbiddenKeyError,
  formatPath,
  invalidJsonBodyError,
  isForbiddenKey,
  type JsonPath,
  MAX_JSON_DEPTH,
  tooDeepError,
} from "./json-guards.js";

type Fields = Record<string, unknown>;
type WithFromJSON = { fromJSON?: unknown };

const DOLLAR = 36; // "$": a lone "$" key is always a tag, never user data (that is sent escaped)
const BIGINT = /^-?[0-9]+$/;

/**
 * The decoding half of the value codec (format in value-codec.ts and docs/wire-format.md).
 *
 * Input is untrusted. It only ever builds plain JSON values, Date, bigint, Map, Set and instances
 * of registered classes; forbidden keys and excessive nesting are decoding errors. The freshly
 * parsed JSON is rewritten in place (allocating only for tagged values).
 */
export class ValueDecoder {
  readonly #types: MessageTypeRegistry;

  constructor(types: MessageTypeRegistry) {
    this.#types = types;
  }

  /** Rebuilds a message of `type` from its parsed body. Takes ownership of `json` (rewritten in place). */
  decodeMessage(json: unknown, type: MessageClass): object {
    return this.#instantiate(type, json, [], 0);
  }

  /**
   * Parses and rebuilds a message body: the hot path. The text is parsed once and the parsed value
   * walked. No scan of the text decides whether to walk: a scan costs per character and the walk
   * per object and array, so where the walk would cost the most (many small objects) a scan costs
   * about as much, and where a body is mostly long strings (JSON text inside JSON) the scan costs
   * dozens of times more than the walk.
   */
  decodeMessageText(text: string, type: MessageClass): object {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw invalidJsonBodyError(error);
    }
    return this.#instantiate(type, json, [], 0);
  }

  /** Rebuilds a value from parsed JSON. Takes ownership of `json` (rewritten in place). */
  decode(json: unknown): unknown {
    return this.#decode(json, [], 0);
  }

  #decode(json: unknown, path: JsonPath, depth: number): unknown {
    if (typeof json !== "object" || json === null) return json;
    if (depth >= MAX_JSON_DEPTH) throw tooDeepError(path);
    if (Array.isArray(json)) {
      for (let i = 0; i < json.length; i++) {
        const raw: unknown = json[i];
        if (typeof raw !== "object" || raw === null) continue;
        path.push(i);
        json[i] = this.#decode(raw, path, depth + 1);
        path.pop();
      }
      return json;
    }
    const fields = json as Fields;
    const keys = Object.keys(fields);
    if (keys.length === 1 && keys[0]!.charCodeAt(0) === DOLLAR) {
      return this.#decodeTag(keys[0]!, fields[keys[0]!], path, depth + 1);
    }
    if (keys.length === 2 && Object.hasOwn(fields, "$type") && Object.hasOwn(fields, "value")) {
      return this.#decodeTyped(fields.$type, fields.value, path, depth + 1);
    }
    return this.#decodeFields(fields, keys, path, depth + 1);
  }

  /** A plain object: keys are taken literally (never as tags), values are decoded in place. */
  #decodeFields(fields: Fields, keys: readonly string[], path: JsonPath, depth: number): Fields {
    if (Object.getPrototypeOf(fields) !== Object.prototype) throw decodeError(path, "expected parsed JSON");
    for (const key of keys) {
      if (isForbiddenKey(key)) throw forbiddenKeyError(key, path);
      const raw = fields[key];
      if (typeof raw !== "object" || raw === null) continue;
      path.push(key);
      fields[key] = this.#decode(raw, path, depth);
      path.pop();
    }
    return fields;
  }

  #decodeTag(tag: string, payload: unknown, path: JsonPath, depth: number): unknown {
    path.push(tag);
    let value: unknown;
    switch (tag) {
      case "$date":
        value = typeof payload === "string" ? new Date(payload) : undefined;
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
          throw decodeError(path, "expected a date string");
        }
        break;
      case "$bigint":
        if (typeof payload !== "string" || !BIGINT.test(payload)) {
          throw decodeError(path, "expected a string of digits");
        }
        value = BigInt(payload);
        break;
      case "$map":
        value = new Map(this.#decodeEntries(payload, path, depth));
        break;
      case "$set":
        if (!Array.isArray(payload)) throw decodeError(path, "expected an array");
        value = new Set(this.#decode(payload, path, depth) as unknown[]);
        break;
      case "$object":
        if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
          throw decodeError(path, "expected an object");
        }
        value = this.#decodeFields(payload as Fields, Object.keys(payload), path, depth);
        break;
      case "$type":
        throw decodeError(path, 'a "$type" tag needs a "value" key next to it');
      default:
        throw decodeError(
          path,
          `unknown tag "${tag}" (a plain object with one "$" key must be sent as {"$object": ...})`,
        );
    }
    path.pop();
    return value;
  }

  #decodeEntries(payload: unknown, path: JsonPath, depth: number): [unknown, unknown][] {
    if (!Array.isArray(payload)) throw decodeError(path, "expected an array of [key, value] pairs");
    for (let i = 0; i < payload.length; i++) {
      const entry: unknown = payload[i];
      path.push(i);
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw decodeError(path, "expected a [key, value] pair");
      }
      this.#decode(entry, path, depth);
      path.pop();
    }
    return payload as [unknown, unknown][];
  }

  #decodeTyped(typeName: unknown, value: unknown, path: JsonPath, depth: number): object {
    if (typeof typeName !== "string") throw decodeError(path, '"$type" must be a string');
    const type = this.#types.classFor(typeName);
    if (type === undefined) throw decodeError(path, `unknown message type "${typeName}"`);
    path.push("value");
    const instance = this.#instantiate(type, value, path, depth);
    path.pop();
    return instance;
  }

  /**
   * Builds an instance without running its constructor (which may validate, fetch or have side
   * effects) and without assignment (which could hit setters): a static fromJSON decides, else
   * own data properties are defined on an object with the class prototype.
   */
  #instantiate(type: MessageClass, json: unknown, path: JsonPath, depth: number): object {
    return this.#build(type, this.#decode(json, path, depth), path);
  }

  #build(type: MessageClass, value: unknown, path: JsonPath): object {
    const fromJSON = (type as WithFromJSON).fromJSON;
    if (typeof fromJSON === "function") {
      let result: unknown;
      try {
        result = fromJSON.call(type, value);
      } catch (error) {
        if (error instanceof MessageDecodingFailedError) throw error;
        throw decodeError(
          path,
          `${type.name}.fromJSON failed: ${(error as Error)?.message ?? String(error)}`,
          error,
        );
      }
      if (!(result instanceof type)) {
        throw decodeError(path, `${type.name}.fromJSON did not return a ${type.name}`);
      }
      return result;
    }
    if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
      throw decodeError(path, `expected an object of fields for ${type.name}`);
    }
    const instance = Object.create(type.prototype) as object;
    for (const key of Object.keys(value)) {
      const field = { value: (value as Fields)[key], enumerable: true, writable: true, configurable: true };
      Object.defineProperty(instance, key, field);
    }
    return instance;
  }
}

function decodeError(path: JsonPath, detail: string, cause?: unknown): MessageDecodingFailedError {
  return new MessageDecodingFailedError(
    `${detail} at ${formatPath(path)}.`,
    cause === undefined ? undefined : { cause },
  );
}
