import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { Stamp, StampType } from "./stamp.js";

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

const NO_STAMPS: readonly Stamp[] = [];

/**
 * An immutable wrapper of one message and its stamps. Stamps keep their insertion order and are
 * looked up by exact class; every "change" returns a new envelope and leaves this one as it was.
 *
 * Stamps are kept in one flat array rather than a map of lists: an envelope holds a handful of
 * stamps, so a backwards scan is cheaper than copying a map on every `with()` (twice per dispatch).
 */
export class Envelope<TMessage extends object = object> {
  readonly message: TMessage;
  readonly #stamps: readonly Stamp[];
  #grouped: ReadonlyMap<StampType, readonly Stamp[]> | undefined;

  private constructor(message: TMessage, stamps: readonly Stamp[]) {
    this.message = message;
    this.#stamps = stamps;
  }

  /** Wraps a message (or reuses an envelope) and adds the stamps. */
  static wrap<T extends object>(message: T | Envelope<T>, stamps: readonly Stamp[] = NO_STAMPS): Envelope<T> {
    if (message instanceof Envelope) return stamps.length === 0 ? message : message.with(...stamps);
    assertDispatchable(message);
    return new Envelope<T>(message, stamps.length === 0 ? NO_STAMPS : [...stamps]);
  }

  /** A copy with the stamps appended after the existing ones. */
  with(...stamps: Stamp[]): Envelope<TMessage> {
    const added = stamps.length;
    if (added === 0) return this;
    const current = this.#stamps;
    const size = current.length;
    if (size === 0) return new Envelope(this.message, stamps);
    // A plain copy loop: faster than concat/spread for the handful of stamps an envelope holds.
    const next = new Array<Stamp>(size + added);
    for (let i = 0; i < size; i++) next[i] = current[i]!;
    for (let i = 0; i < added; i++) next[size + i] = stamps[i]!;
    return new Envelope(this.message, next);
  }

  /** A copy without the stamps of exactly this class. */
  withoutAll(type: StampType): Envelope<TMessage> {
    if (!this.has(type)) return this;
    return new Envelope(
      this.message,
      this.#stamps.filter((s) => s.constructor !== type),
    );
  }

  /** A copy without the stamps that are instances of `type` (subclasses included). */
  withoutStampsOfType(type: StampType): Envelope<TMessage> {
    if (!this.#stamps.some((s) => s instanceof type)) return this;
    return new Envelope(
      this.message,
      this.#stamps.filter((s) => !(s instanceof type)),
    );
  }

  /** A copy around another message with the same stamps. */
  withMessage<T extends object>(message: T): Envelope<T> {
    assertDispatchable(message);
    return new Envelope(message, this.#stamps);
  }

  /** The most recent stamp of exactly this class (subclasses do not match), or undefined. */
  last<T extends Stamp>(type: StampType<T>): T | undefined {
    const stamps = this.#stamps;
    for (let i = stamps.length - 1; i >= 0; i--) {
      if (stamps[i]!.constructor === type) return stamps[i] as T;
    }
    return undefined;
  }

  /** The stamps of exactly this class, oldest first. */
  all<T extends Stamp>(type: StampType<T>): readonly T[];
  /** Every stamp, grouped by exact class (groups in order of their first stamp). */
  all(): ReadonlyMap<StampType, readonly Stamp[]>;
  all<T extends Stamp>(type?: StampType<T>): readonly T[] | ReadonlyMap<StampType, readonly Stamp[]> {
    if (type === undefined) {
      this.#grouped ??= group(this.#stamps);
      return this.#grouped;
    }
    let out: T[] | undefined;
    for (const stamp of this.#stamps) {
      if (stamp.constructor !== type) continue;
      out ??= [];
      out.push(stamp as T);
    }
    return out ?? (NO_STAMPS as readonly T[]);
  }

  /** Every stamp in the order it was added. */
  stamps(): readonly Stamp[] {
    return this.#stamps;
  }

  /** True when at least one stamp of exactly this class is present. */
  has(type: StampType): boolean {
    const stamps = this.#stamps;
    for (let i = stamps.length - 1; i >= 0; i--) {
      if (stamps[i]!.constructor === type) return true;
    }
    return false;
  }
}

function group(stamps: readonly Stamp[]): ReadonlyMap<StampType, readonly Stamp[]> {
  const map = new Map<StampType, Stamp[]>();
  for (const stamp of stamps) {
    const type = stamp.constructor as StampType;
    const list = map.get(type);
    if (list) list.push(stamp);
    else map.set(type, [stamp]);
  }
  return map;
}
