import { appendStamp, createEnvelope, type Envelope } from "../envelope/envelope.js";
import type { Stamp, StampType } from "../envelope/stamp.js";
import { AddBusNameStampMiddleware } from "../middleware/add-bus-name-stamp-middleware.js";
import { DecodeFailedMessageMiddleware } from "../middleware/decode-failed-message-middleware.js";
import {
  DispatchAfterCurrentBusMiddleware,
  isTrackingRootDispatches,
} from "../middleware/dispatch-after-current-bus-middleware.js";
import { FailedMessageProcessingMiddleware } from "../middleware/failed-message-processing-middleware.js";
import type { Middleware } from "../middleware/middleware.js";
import { RejectRedeliveredMessageMiddleware } from "../middleware/reject-redelivered-message-middleware.js";
import { UndecodableMessage } from "../serialization/undecodable-message.js";
import { BusNameStamp } from "../stamps/bus-name-stamp.js";
import { ConsumedByWorkerStamp } from "../stamps/consumed-by-worker-stamp.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";

/**
 * Built-in middleware that do nothing to an envelope the application dispatched itself (not
 * received from a transport), as long as no root dispatch is tracked:
 * - reject redelivered: looks only at envelopes consumed by a worker;
 * - decode failed: looks only at undecodable-message placeholders, which receivers create;
 * - failed-message processing: looks only at received envelopes;
 * - dispatch after current bus: hands every envelope on until its entry point is imported.
 * Matched by exact class, so a subclass that changes `handle()` is always run.
 */
const NO_OPS_FOR_APPLICATION_DISPATCH = new Set<Function>([
  RejectRedeliveredMessageMiddleware,
  DecodeFailedMessageMiddleware,
  FailedMessageProcessingMiddleware,
  DispatchAfterCurrentBusMiddleware,
]);

const NO_STAMPS: readonly Stamp[] = [];
const NO_TYPES: readonly StampType[] = [];

/**
 * The leading run of a bus's middleware made only of the built-ins above and the bus-name stamp
 * (the default stack's first five). For an envelope the application dispatched, the whole run
 * amounts to "add the bus-name stamp unless there is one", so the bus does that itself and starts
 * the stack after the run. Worker-received envelopes go through every middleware, as before.
 */
export class DispatchPrefix {
  /** How many leading middleware the run covers; 0 when the stack does not start with built-ins. */
  readonly length: number;
  readonly #busNameStamp: BusNameStamp | undefined;
  /** A fresh message's stamps after the run, shared by every envelope (arrays are never mutated). */
  readonly #stamps: readonly Stamp[];
  readonly #types: readonly StampType[];

  constructor(middleware: readonly Middleware[]) {
    let length = 0;
    let busNameStamp: BusNameStamp | undefined;
    for (const m of middleware) {
      // The first bus-name middleware wins: the later ones see its stamp and add nothing.
      if (m.constructor === AddBusNameStampMiddleware)
        busNameStamp ??= (m as AddBusNameStampMiddleware).stamp;
      else if (!NO_OPS_FOR_APPLICATION_DISPATCH.has(m.constructor)) break;
      length++;
    }
    this.length = length;
    this.#busNameStamp = busNameStamp;
    this.#stamps = busNameStamp ? [busNameStamp] : NO_STAMPS;
    this.#types = busNameStamp ? [BusNameStamp] : NO_TYPES;
  }

  /** True when the run may be skipped right now (no root tracking) for messages without stamps. */
  get active(): boolean {
    return this.length > 0 && !isTrackingRootDispatches();
  }

  /**
   * A new message, no stamps given: its envelope as it leaves the run, or undefined when the run
   * must execute (an undecodable-message placeholder dispatched by hand).
   */
  wrap<T extends object>(message: T): Envelope<T> | undefined {
    if (message instanceof UndecodableMessage) return undefined;
    return createEnvelope(message, this.#stamps, this.#types);
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
    const stamp = this.#busNameStamp;
    return stamp && !envelope.has(BusNameStamp) ? appendStamp(envelope, stamp) : envelope;
  }
}
