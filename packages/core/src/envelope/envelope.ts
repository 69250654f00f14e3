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
const NO_TYPES: readonly StampType[] = [];

/**
 * Core-internal shortcuts for the dispatch hot path (the bus and the handle step), set from inside
 * the class so they may use its private constructor and fields. Not exported by the package: an
 * application only ever sees the immutable `Envelope` API.
 */
let createEnvelope: <T extends object>(
  message: T,
  stamps: readonly Stamp[],
  types: readonly StampType[],
) => Envelope<T>;
let appendStamp: <T extends object>(envelope: Envelope<T>, stamp: Stamp) => Envelope<T>;
let stampTypes: (envelope: Envelope) => readonly StampType[];

function typesOf(stamps: readonly Stamp[]): StampType[] {
  const types = new Array<StampType>(stamps.length);
  for (let i = 0; i < stamps.length; i++) types[i] = stamps[i]!.constructor as StampType;
  return types;
}

/**
 * An immutable wrapper of one message and its stamps. Stamps keep their insertion order and are
 * looked up by exact class; every "change" returns a new envelope and leaves this one as it was.
 *
 * Stamps are kept in one flat array rather than a map of lists: an envelope holds a handful of
 * stamps, so a backwards scan is cheaper than copying a map on every `with()` (twice per dispatch).
 * A parallel array holds each stamp's class: reading `stamp.constructor` across many stamp classes
 * is a megamorphic property load, comparing array elements is not.
 */
export class Envelope<TMessage extends object = object> {
  readonly message: TMessage;
  readonly #stamps: readonly Stamp[];
  readonly #types: readonly StampType[];
  #grouped: ReadonlyMap<StampType, readonly Stamp[]> | undefined;

  private constructor(message: TMessage, stamps: readonly Stamp[], types: readonly StampType[]) {
    this.message = message;
    this.#stamps = stamps;
    this.#types = types;
  }

  static {
    createEnvelope = (message, stamps, types) => new Envelope(message, stamps, types);
    appendStamp = (envelope, stamp) => envelope.#append(stamp);
    stampTypes = (envelope) => envelope.#types;
  }

  /** Wraps a message (or reuses an envelope) and adds the stamps. */
  static wrap<T extends object>(message: T | Envelope<T>, stamps: readonly Stamp[] = NO_STAMPS): Envelope<T> {
    if (message instanceof Envelope) return stamps.length === 0 ? message : message.with(...stamps);
    assertDispatchable(message);
    if (stamps.length === 0) return new Envelope<T>(message, NO_STAMPS, NO_TYPES);
    return new Envelope<T>(message, [...stamps], typesOf(stamps));
  }

  /** A copy with the stamps appended after the existing ones. */
  with(...stamps: Stamp[]): Envelope<TMessage> {
    const added = stamps.length;
    if (added === 0) return this;
    if (added === 1) return this.#append(stamps[0]!);
    const current = this.#stamps;
    const currentTypes = this.#types;
    const size = current.length;
    if (size === 0) return new Envelope(this.message, stamps, typesOf(stamps));
    // A plain copy loop: faster than concat/spread for the handful of stamps an envelope holds.
    const next = new Array<Stamp>(size + added);
    const nextTypes = new Array<StampType>(size + added);
    for (let i = 0; i < size; i++) {
      next[i] = current[i]!;
      nextTypes[i] = currentTypes[i]!;
    }
    for (let i = 0; i < added; i++) {
      next[size + i] = stamps[i]!;
      nextTypes[size + i] = stamps[i]!.constructor as StampType;
    }
    return new Envelope(this.message, next, nextTypes);
  }

  /** A copy without the stamps of exactly this class. */
  withoutAll(type: StampType): Envelope<TMessage> {
    const types = this.#types;
    let found = 0;
    for (let i = 0; i < types.length; i++) if (types[i] === type) found++;
    if (found === 0) return this;
    // Sized copies, no predicate call per stamp: once per message of a bulk dispatch.
    const stamps = this.#stamps;
    const next = new Array<Stamp>(types.length - found);
    const nextTypes = new Array<StampType>(types.length - found);
    for (let i = 0, j = 0; i < types.length; i++) {
      if (types[i] === type) continue;
      next[j] = stamps[i]!;
      nextTypes[j++] = types[i]!;
    }
    return new Envelope(this.message, next, nextTypes);
  }

  /** A copy without the stamps that are instances of `type` (subclasses included). */
  withoutStampsOfType(type: StampType): Envelope<TMessage> {
    if (!this.#stamps.some((s) => s instanceof type)) return this;
    return this.#keep((s) => !(s instanceof type));
  }

  /** A copy around another message with the same stamps. */
  withMessage<T extends object>(message: T): Envelope<T> {
    assertDispatchable(message);
    return new Envelope(message, this.#stamps, this.#types);
  }

  /** The most recent stamp of exactly this class (subclasses do not match), or undefined. */
  last<T extends Stamp>(type: StampType<T>): T | undefined {
    const types = this.#types;
    for (let i = types.length - 1; i >= 0; i--) {
      if (types[i] === type) return this.#stamps[i] as T;
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
    const types = this.#types;
    for (let i = 0; i < types.length; i++) {
      if (types[i] !== type) continue;
      out ??= [];
      out.push(this.#stamps[i] as T);
    }
    return out ?? (NO_STAMPS as readonly T[]);
  }

  /** Every stamp in the order it was added. */
  stamps(): readonly Stamp[] {
    return this.#stamps;
  }

  /** True when at least one stamp of exactly this class is present. */
  has(type: StampType): boolean {
    const types = this.#types;
    for (let i = types.length - 1; i >= 0; i--) {
      if (types[i] === type) return true;
    }
    return false;
  }

  /** `with()` of one stamp, without the rest-parameter array: twice per dispatch. */
  #append(stamp: Stamp): Envelope<TMessage> {
    const current = this.#stamps;
    const currentTypes = this.#types;
    const size = current.length;
    const next = new Array<Stamp>(size + 1);
    const nextTypes = new Array<StampType>(size + 1);
    for (let i = 0; i < size; i++) {
      next[i] = current[i]!;
      nextTypes[i] = currentTypes[i]!;
    }
    next[size] = stamp;
    nextTypes[size] = stamp.constructor as StampType;
    return new Envelope(this.message, next, nextTypes);
  }

  #keep(predicate: (stamp: Stamp, type: StampType) => boolean): Envelope<TMessage> {
    const stamps: Stamp[] = [];
    const types: StampType[] = [];
    for (let i = 0; i < this.#stamps.length; i++) {
      if (!predicate(this.#stamps[i]!, this.#types[i]!)) continue;
      stamps.push(this.#stamps[i]!);
      types.push(this.#types[i]!);
    }
    return new Envelope(this.message, stamps, types);
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

export { appendStamp, createEnvelope, stampTypes };
