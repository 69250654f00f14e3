import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { MessageClass } from "../message/message-class.js";
import type { MessageTypeRegistry } from "../message/message-type-registry.js";
import { formatPath, isForbiddenKey, type JsonPath, MAX_JSON_DEPTH } from "./json-guards.js";

type Fields = Record<string, unknown>;

const DOLLAR = 36; // "$": tags and only tags start with it, so user keys that do are escaped

/**
 * The encoding half of the value codec (format in value-codec.ts and docs/wire-format.md).
 *
 * Hot path: every subtree that needs no change is returned as is, so a message made of plain JSON
 * costs one walk plus native `JSON.stringify`, and copies are made only along the paths that lead
 * to a tagged value.
 */
export class ValueEncoder {
  readonly #types: MessageTypeRegistry;

  constructor(types: MessageTypeRegistry) {
    this.#types = types;
  }

  /** The JSON body of a message: its encoded fields (the root is not tagged; its type travels apart). */
  encodeMessage(message: object): string {
    try {
      const json = JSON.stringify(this.#fieldsOf(message, [], 0));
      if (json === undefined) throw encodeError([], "toJSON() returned undefined");
      return json;
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      const name = exactClassOf(message)?.name ?? "object";
      throw new InvalidArgumentError(`Cannot encode message ${name}: ${error.message}`, {
        code: error.code,
        cause: error,
      });
    }
  }

  /** A JSON-compatible form of any value; it may share unchanged parts with the input. */
  encode(value: unknown): unknown {
    return this.#encode(value, [], 0);
  }

  #encode(value: unknown, path: JsonPath, depth: number): unknown {
    switch (typeof value) {
      case "string":
      case "boolean":
      case "undefined": // dropped from objects and null in arrays, exactly as JSON.stringify does
        return value;
      case "number":
        if (Number.isFinite(value)) return value;
        // JSON.stringify would silently turn it into null: refuse rather than change the data.
        throw encodeError(path, `${value} is not a finite number and JSON cannot express it`);
      case "bigint":
        return { $bigint: value.toString() };
      case "object":
        return value === null ? null : this.#encodeObject(value, path, depth + 1);
      default:
        throw encodeError(path, `a ${typeof value} cannot be serialized`);
    }
  }

  #encodeObject(value: object, path: JsonPath, depth: number): unknown {
    if (depth > MAX_JSON_DEPTH) {
      throw encodeError(path, `nesting deeper than ${MAX_JSON_DEPTH} levels (circular?)`);
    }
    if (Array.isArray(value)) return this.#encodeArray(value, path, depth);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return this.#encodeFields(value as Fields, path, depth);
    // Exact prototypes: a subclass may carry more state, so it must be registered like any class.
    if (proto === Date.prototype) {
      const date = value as Date;
      if (Number.isNaN(date.getTime())) throw encodeError(path, "an invalid Date cannot be serialized");
      return { $date: date.toISOString() };
    }
    if (proto === Map.prototype) {
      return { $map: this.#encodeMap(value as Map<unknown, unknown>, path, depth) };
    }
    if (proto === Set.prototype) return { $set: this.#encodeSet(value as Set<unknown>, path, depth) };
    const type = exactClassOf(value);
    const typeName = type === undefined ? undefined : this.#types.typeNameOf(type);
    if (typeName === undefined) {
      const name = type?.name || "an anonymous class";
      throw encodeError(
        path,
        `an instance of ${name} cannot be serialized: only plain objects, arrays, Date, Map, Set, bigint and registered classes travel. Register ${name} with @AsMessage("...") to send it as {"$type": ...}`,
        "UNREGISTERED_VALUE_CLASS",
      );
    }
    return { $type: typeName, value: this.#fieldsOf(value, path, depth) };
  }

  /** What an instance of a registered class travels as: its toJSON() if it has one, else its fields. */
  #fieldsOf(instance: object, path: JsonPath, depth: number): unknown {
    const toJSON = (instance as { toJSON?: unknown }).toJSON;
    if (typeof toJSON !== "function") return this.#encodeFields(instance as Fields, path, depth);
    const encoded = this.#encode(toJSON.call(instance), path, depth);
    if (encoded === undefined) throw encodeError(path, "toJSON() returned undefined");
    return encoded;
  }

  /** Own enumerable fields (what JSON.stringify reads); copied only once a value needs a change. */
  #encodeFields(source: Fields, path: JsonPath, depth: number): unknown {
    const keys = Object.keys(source);
    let out: Fields | undefined;
    // What lands on the wire once undefined values are dropped decides whether it reads as a tag.
    let written = 0;
    let dollarKeys = 0;
    let typeAndValue = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      // Refused here too so the producer, not some consumer, learns about it.
      if (isForbiddenKey(key)) {
        throw encodeError(path, `the key "${key}" is not allowed (decoders reject it)`);
      }
      const raw = source[key];
      path.push(key);
      const encoded = this.#encode(raw, path, depth);
      path.pop();
      if (encoded !== undefined) {
        written++;
        if (key.charCodeAt(0) === DOLLAR) dollarKeys++;
        if (key === "$type" || key === "value") typeAndValue++;
      }
      if (out === undefined) {
        if (encoded === raw) continue;
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]!] = source[keys[j]!];
      }
      out[key] = encoded;
    }
    const result = out ?? source;
    // Escape what would read back as a tag: a lone "$" key, or exactly "$type" and "value".
    const tagShaped = written === 1 ? dollarKeys === 1 : written === 2 && typeAndValue === 2;
    return tagShaped ? { $object: result } : result;
  }

  #encodeArray(source: readonly unknown[], path: JsonPath, depth: number): unknown[] {
    let out: unknown[] | undefined;
    for (let i = 0; i < source.length; i++) {
      const raw = source[i];
      path.push(i);
      const encoded = this.#encode(raw, path, depth);
      path.pop();
      if (out === undefined) {
        if (encoded === raw) continue;
        out = source.slice(0, i);
      }
      out.push(encoded);
    }
    return out ?? (source as unknown[]);
  }

  #encodeMap(map: Map<unknown, unknown>, path: JsonPath, depth: number): unknown[] {
    const entries: unknown[] = [];
    path.push("$map");
    for (const [key, value] of map) {
      path.push(entries.length, 0);
      const encodedKey = this.#encode(key, path, depth);
      path[path.length - 1] = 1;
      entries.push([encodedKey, this.#encode(value, path, depth)]);
      path.length -= 2;
    }
    path.pop();
    return entries;
  }

  #encodeSet(set: Set<unknown>, path: JsonPath, depth: number): unknown[] {
    const items: unknown[] = [];
    path.push("$set");
    for (const item of set) {
      path.push(items.length);
      items.push(this.#encode(item, path, depth));
      path.pop();
    }
    path.pop();
    return items;
  }
}

/** The exact class of an object, read from its prototype (an own "constructor" field cannot lie). */
export function exactClassOf(value: object): MessageClass | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  if (typeof proto !== "object" || proto === null || !Object.hasOwn(proto, "constructor")) return undefined;
  const type = (proto as { constructor: unknown }).constructor;
  return typeof type === "function" ? (type as MessageClass) : undefined;
}

function encodeError(path: JsonPath, detail: string, code = "UNSERIALIZABLE_VALUE"): InvalidArgumentError {
  return new InvalidArgumentError(`${detail} (at ${formatPath(path)}).`, { code });
}
