import type { Envelope } from "../envelope/envelope.js";
import type { Stamp, StampType } from "../envelope/stamp.js";
import { type HandlerContext, UNCANCELLABLE } from "../handler/handler-context.js";
import type { HandlerDescriptor } from "../handler/handler-descriptor.js";
import { HandledStamp } from "../stamps/handled-stamp.js";
import type { DirectCall } from "./application-dispatch-shortcut.js";
import { callSoleHandler } from "./call-sole-handler.js";

/**
 * The handle step's direct call for one bus and message class with exactly one plain handler: the
 * message's stamps before handling are the same for every dispatch it stands for, so they and the
 * final stamp classes are computed here, once.
 */
export class SoleHandlerCall implements DirectCall {
  readonly #descriptor: HandlerDescriptor;
  readonly #stamps: readonly Stamp[];
  readonly #types: readonly StampType[];
  /** `#types` then the handled stamp's class: the same for every final envelope, so shared. */
  readonly #handledTypes: readonly StampType[];
  /** Undefined for a batch handler, which gets no context (see HandlerContext). */
  readonly #context: HandlerContext | undefined;

  constructor(descriptor: HandlerDescriptor, stamps: readonly Stamp[], types: readonly StampType[]) {
    this.#descriptor = descriptor;
    this.#stamps = stamps;
    this.#types = types;
    this.#handledTypes = [...types, HandledStamp];
    this.#context = descriptor.getBatchHandler() ? undefined : UNCANCELLABLE;
  }

  call<T extends object>(message: T): Promise<Envelope<T>> {
    return callSoleHandler(
      this.#descriptor,
      message,
      this.#stamps,
      this.#types,
      this.#handledTypes,
      this.#context,
    );
  }
}
