import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { Stamp, StampType } from "./stamp.js";

type StampMap = ReadonlyMap<StampType, readonly Stamp[]>;

const EMPTY: StampMap = new Map();

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "a plain object" : `${typeof value} ${String(value)}`;
}

/** Throws unless `message` is a class instance the bus can dispatch. */
export function assertDispatchable(message: unknown): asserts message is object {
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    throw new InvalidArgumentError(
      `Cannot dispatch ${describeValue(message)}: a message must be an object (an instance of a message class).`,
      { code: "INVALID_MESSAGE" },
    );
  }
}

/**
 * An immutable wrapper of one message and its stamps. Stamps are grouped by their exact class, in
 * insertion order; every "change" returns a new envelope and leaves this one as it was.
 */
export class Envelope<TMessage extends object = object> {
  readonly message: TMessage;
  readonly #stamps: StampMap;

  private constructor(message: TMessage, stamps: StampMap) {
    this.message = message;
    this.#stamps = stamps;
  }

  /** Wraps a message (or reuses an envelope) and adds the stamps. */
  static wrap<T extends object>(message: T | Envelope<T>, stamps: readonly Stamp[] = []): Envelope<T> {
    if (message instanceof Envelope) return stamps.length === 0 ? message : message.with(...stamps);
    assertDispatchable(message);
    const envelope = new Envelope<T>(message, EMPTY);
    return stamps.length === 0 ? envelope : envelope.with(...stamps);
  }

  /** A copy with the stamps appended after the existing ones of their class. */
  with(...stamps: Stamp[]): Envelope<TMessage> {
    if (stamps.length === 0) return this;
    const next = new Map(this.#stamps);
    for (const stamp of stamps) {
      const type = stamp.constructor as StampType;
      const list = next.get(type);
      next.set(type, list ? [...list, stamp] : [stamp]);
    }
    return new Envelope(this.message, next);
  }

  /** A copy without the stamps of exactly this class. */
  withoutAll(type: StampType): Envelope<TMessage> {
    if (!this.#stamps.has(type)) return this;
    const next = new Map(this.#stamps);
    next.delete(type);
    return new Envelope(this.message, next);
  }

  /** A copy without the stamps that are instances of `type` (subclasses included). */
  withoutStampsOfType(type: StampType): Envelope<TMessage> {
    let next: Map<StampType, readonly Stamp[]> | undefined;
    for (const klass of this.#stamps.keys()) {
      if (klass === type || klass.prototype instanceof type) {
        next ??= new Map(this.#stamps);
        next.delete(klass);
      }
    }
    return next ? new Envelope(this.message, next) : this;
  }

  /** A copy around another message with the same stamps. */
  withMessage<T extends object>(message: T): Envelope<T> {
    assertDispatchable(message);
    return new Envelope(message, this.#stamps);
  }

  /** The most recent stamp of exactly this class (subclasses do not match), or undefined. */
  last<T extends Stamp>(type: StampType<T>): T | undefined {
    const list = this.#stamps.get(type);
    return list ? (list[list.length - 1] as T) : undefined;
  }

  /** The stamps of exactly this class, oldest first. */
  all<T extends Stamp>(type: StampType<T>): readonly T[];
  /** Every stamp, grouped by exact class. */
  all(): ReadonlyMap<StampType, readonly Stamp[]>;
  all<T extends Stamp>(type?: StampType<T>): readonly T[] | ReadonlyMap<StampType, readonly Stamp[]> {
    if (type === undefined) return this.#stamps;
    return (this.#stamps.get(type) as readonly T[] | undefined) ?? [];
  }

  /** True when at least one stamp of exactly this class is present. */
  has(type: StampType): boolean {
    return this.#stamps.has(type);
  }
}
