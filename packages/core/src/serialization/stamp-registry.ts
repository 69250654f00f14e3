import {
  isSendableStampClass,
  NonSendableStamp,
  type SendableStampClass,
  Stamp,
  type StampType,
} from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { BusNameStamp } from "../stamps/bus-name-stamp.js";
import { DeduplicateStamp } from "../stamps/deduplicate-stamp.js";
import { DelayStamp } from "../stamps/delay-stamp.js";
import { ErrorDetailsStamp } from "../stamps/error-details-stamp.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import { MessageDecodingFailedStamp } from "../stamps/message-decoding-failed-stamp.js";
import { PriorityStamp } from "../stamps/priority-stamp.js";
import { RedeliveryStamp } from "../stamps/redelivery-stamp.js";
import { SentAtStamp } from "../stamps/sent-at-stamp.js";
import { SentToFailureTransportStamp } from "../stamps/sent-to-failure-transport-stamp.js";
import { TraceContextStamp } from "../stamps/trace-context-stamp.js";
import { TransportMessageIdStamp } from "../stamps/transport-message-id-stamp.js";
import { TransportNamesStamp } from "../stamps/transport-names-stamp.js";

/** Every sendable stamp the library ships; a default registry knows all of them. */
export const builtInSendableStamps: readonly SendableStampClass[] = [
  BusNameStamp,
  HandledStamp,
  TransportMessageIdStamp,
  TransportNamesStamp,
  DelayStamp,
  RedeliveryStamp,
  ErrorDetailsStamp,
  SentToFailureTransportStamp,
  MessageDecodingFailedStamp,
  DeduplicateStamp,
  PriorityStamp,
  SentAtStamp,
  TraceContextStamp,
];

// The name becomes part of a header name (`X-Message-Stamp-<name>`), so it must be a header token
// every broker accepts: no spaces, colons or non-ASCII.
const STAMP_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Maps wire stamp names to sendable stamp classes. Decoding only ever calls `fromJSON` of a class
 * found here, so a stamp header can never name arbitrary code.
 *
 * Names are unique regardless of case: some brokers lowercase header names, and the decoder then
 * has to find `BusNameStamp` from `x-message-stamp-busnamestamp`.
 */
export class StampRegistry {
  readonly #byName = new Map<string, SendableStampClass>();
  readonly #byLowerName = new Map<string, SendableStampClass>();

  /** Starts with the given classes; by default every built-in sendable stamp. */
  constructor(stamps: Iterable<StampType> = builtInSendableStamps) {
    for (const stamp of stamps) this.register(stamp);
  }

  /** Adds an application stamp class. Registering the same class again is a no-op. */
  register(type: StampType): this {
    if (typeof type !== "function" || !(type.prototype instanceof Stamp)) {
      throw new InvalidArgumentError(
        `Cannot register ${describe(type)} as a stamp: it does not extend Stamp.`,
        {
          code: "INVALID_STAMP_CLASS",
        },
      );
    }
    if (type.prototype instanceof NonSendableStamp) {
      throw new InvalidArgumentError(
        `Cannot register ${type.name} as a sendable stamp: it extends NonSendableStamp, and those never leave the process.`,
        { code: "INVALID_STAMP_CLASS" },
      );
    }
    if (!isSendableStampClass(type)) {
      throw new InvalidArgumentError(
        `Cannot register ${type.name} as a sendable stamp: it needs a static "stampName" (its stable wire name) and a static "fromJSON(data)" that rebuilds it.`,
        { code: "INVALID_STAMP_CLASS" },
      );
    }
    const name = type.stampName;
    if (!STAMP_NAME.test(name)) {
      throw new InvalidArgumentError(
        `Invalid stamp name ${JSON.stringify(name)} for ${type.name}: it goes into a header name, so use only letters, digits and . _ -`,
        { code: "INVALID_STAMP_NAME" },
      );
    }
    const lower = name.toLowerCase();
    const existing = this.#byLowerName.get(lower);
    if (existing === type) return this;
    if (existing !== undefined) {
      // Static properties are inherited: a subclass of a sendable stamp claims its parent's name
      // unless it declares its own, which is the usual way to end up here.
      throw new InvalidArgumentError(
        `Stamp name "${name}" is claimed by two classes: ${existing.name} ("${existing.stampName}") and ${type.name}. Give ${type.name} its own static stampName (names are compared case-insensitively).`,
        { code: "DUPLICATE_STAMP_NAME" },
      );
    }
    this.#byName.set(name, type);
    this.#byLowerName.set(lower, type);
    return this;
  }

  /** The class registered under this wire name; falls back to a case-insensitive match. */
  classFor(stampName: string): SendableStampClass | undefined {
    return this.#byName.get(stampName) ?? this.#byLowerName.get(stampName.toLowerCase());
  }

  /** True when exactly this class (not a subclass sharing its name) is registered. */
  has(type: StampType): boolean {
    return isSendableStampClass(type) && this.#byName.get(type.stampName) === type;
  }

  stampNames(): string[] {
    return [...this.#byName.keys()];
  }
}

/**
 * The registry the default JSON serializer reads, shared by every messenger in the process (like
 * the message type registry `@AsMessage` writes to). A package or application with its own
 * sendable stamps registers them here once, at import: `sendableStamps.register(MyStamp)`.
 */
export const sendableStamps = new StampRegistry();

/** A registry holding every built-in sendable stamp, ready for application stamps. */
export function createDefaultStampRegistry(): StampRegistry {
  return new StampRegistry();
}

function describe(value: unknown): string {
  return typeof value === "function" ? value.name || "an anonymous class" : String(value);
}
