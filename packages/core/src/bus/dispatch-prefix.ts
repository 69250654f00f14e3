import { appendStamp, createEnvelope, type Envelope } from "../envelope/envelope.js";
import type { Stamp, StampType } from "../envelope/stamp.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
} from "../middleware/application-dispatch-shortcut.js";
import type { Middleware } from "../middleware/middleware.js";
import { UndecodableMessage } from "../serialization/undecodable-message.js";
import { ConsumedByWorkerStamp } from "../stamps/consumed-by-worker-stamp.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";

const NO_STAMPS: readonly Stamp[] = [];
const NO_TYPES: readonly StampType[] = [];
const ALWAYS: readonly (() => boolean)[] = [];

/**
 * The leading run of a bus's middleware that declare themselves skippable for an application
 * dispatch (see {@link ApplicationDispatchShortcut}). For such a dispatch the whole run amounts to
 * "add each of their stamps unless the envelope has one of its class", so the bus does that itself
 * and starts the stack after the run. Received envelopes go through every middleware, as before.
 */
export class DispatchPrefix {
  /** How many leading middleware the run covers; 0 when the first one is not skippable. */
  readonly length: number;
  /** The `enabled` conditions of every middleware of the bus that has one. */
  readonly #conditions: readonly (() => boolean)[];
  /** A fresh message's stamps after the run, shared by every envelope (arrays are never mutated). */
  readonly #stamps: readonly Stamp[];
  readonly #types: readonly StampType[];

  constructor(middleware: readonly Middleware[]) {
    let length = 0;
    const stamps: Stamp[] = [];
    const types: StampType[] = [];
    const conditions: (() => boolean)[] = [];
    let leading = true;
    for (const m of middleware) {
      const shortcut: ApplicationDispatchShortcut | undefined = m[applicationDispatchShortcut];
      if (shortcut?.enabled !== undefined) conditions.push(shortcut.enabled);
      if (!leading || shortcut?.skippable !== true) {
        leading = false;
        continue;
      }
      const stamp = shortcut.addsStamp;
      const type = stamp?.constructor as StampType | undefined;
      // An earlier middleware's stamp of the same class wins: the later one sees it and adds nothing.
      if (stamp !== undefined && !types.includes(type!)) {
        stamps.push(stamp);
        types.push(type!);
      }
      length++;
    }
    this.length = length;
    this.#conditions = conditions.length > 0 ? conditions : ALWAYS;
    this.#stamps = stamps.length > 0 ? stamps : NO_STAMPS;
    this.#types = types.length > 0 ? types : NO_TYPES;
  }

  /** True when every middleware allows shortcuts for this dispatch (asked once per dispatch). */
  enabled(): boolean {
    const conditions = this.#conditions;
    // One condition (an instrumentation's) is the common case: no loop around its call.
    if (conditions.length === 1) return conditions[0]!();
    for (let i = 0; i < conditions.length; i++) if (!conditions[i]!()) return false;
    return true;
  }

  /**
   * A new message, no stamps given: its envelope as it leaves the run, or undefined when the run
   * must execute (an undecodable-message placeholder dispatched by hand).
   */
  wrap<T extends object>(message: T): Envelope<T> | undefined {
    if (message instanceof UndecodableMessage) return undefined;
    return createEnvelope(message, this.#stamps, this.#types);
  }

  /**
   * A new message with stamps given, in an array the caller hands over (it is kept, and grows):
   * the envelope `apply(Envelope.wrap(message, stamps))` would give, or undefined (`stamps`
   * untouched) when the run must execute.
   */
  wrapWith<T extends object>(message: T, stamps: Stamp[]): Envelope<T> | undefined {
    if (message instanceof UndecodableMessage) return undefined;
    const types = new Array<StampType>(stamps.length);
    for (let i = 0; i < stamps.length; i++) {
      const type = stamps[i]!.constructor as StampType;
      if (type === ReceivedStamp || type === ConsumedByWorkerStamp) return undefined;
      types[i] = type;
    }
    const own = this.#stamps;
    for (let i = 0; i < own.length; i++) {
      const type = this.#types[i]!;
      if (types.includes(type)) continue;
      stamps.push(own[i]!);
      types.push(type);
    }
    return createEnvelope(message, stamps, types);
  }

  /** An existing envelope as it leaves the run, or undefined when the run must execute. */
  apply<T extends object>(envelope: Envelope<T>): Envelope<T> | undefined {
    if (
      envelope.message instanceof UndecodableMessage ||
      envelope.has(ReceivedStamp) ||
      envelope.has(ConsumedByWorkerStamp)
    ) {
      return undefined;
    }
    const stamps = this.#stamps;
    for (let i = 0; i < stamps.length; i++) {
      if (!envelope.has(this.#types[i]!)) envelope = appendStamp(envelope, stamps[i]!);
    }
    return envelope;
  }
}
