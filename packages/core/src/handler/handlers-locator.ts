import type { Envelope } from "../envelope/envelope.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { classHierarchy } from "../message/as-message.js";
import type { MessageClass } from "../message/message-class.js";
import { ReceivedStamp } from "../stamps/received-stamp.js";
import type { HandlerDescriptor } from "./handler-descriptor.js";
import type { HandledType } from "./handler-registration.js";

/** A handler bound to what it handles. */
export interface HandlerEntry {
  readonly handles: HandledType;
  readonly descriptor: HandlerDescriptor;
}

function typeLabel(type: HandledType): string {
  return type === "*" ? '"*"' : type.name;
}

/**
 * Finds the handlers of a message: those of its exact class, then of its parent classes (nearest
 * first), then `"*"`; within one class by priority, higher first. A handler name appears once.
 * The class walk is cached per message class, so a dispatch costs one map lookup.
 */
export class HandlersLocator {
  readonly #byType = new Map<HandledType, HandlerDescriptor[]>();
  readonly #cache = new Map<Function, readonly HandlerDescriptor[]>();
  #anyBoundToTransport = false;

  constructor(entries: Iterable<HandlerEntry>) {
    for (const { handles, descriptor } of entries) {
      const list = this.#byType.get(handles) ?? [];
      if (list.some((d) => d.name === descriptor.name)) {
        throw new InvalidArgumentError(
          `Two handlers of ${typeLabel(handles)} claim the name "${descriptor.name}"; give one of them an alias.`,
          { code: "DUPLICATE_HANDLER_NAME" },
        );
      }
      list.push(descriptor);
      this.#byType.set(handles, list);
    }
    // Stable sort: equal priorities keep registration order.
    for (const list of this.#byType.values()) {
      list.sort((a, b) => (b.options.priority ?? 0) - (a.options.priority ?? 0));
      if (list.some((d) => d.options.fromTransport !== undefined)) this.#anyBoundToTransport = true;
    }
  }

  /** Every registered handler with what it handles, for `debug:messenger`. */
  entries(): HandlerEntry[] {
    return [...this.#byType].flatMap(([handles, list]) =>
      list.map((descriptor) => ({ handles, descriptor })),
    );
  }

  /** The handlers for the envelope, after `fromTransport` filtering by its received stamp. */
  getHandlers(envelope: Envelope): readonly HandlerDescriptor[] {
    const all = this.#handlersForClass(envelope.message.constructor as MessageClass);
    // Without a transport-bound handler there is nothing to filter (and no array to allocate).
    if (!this.#anyBoundToTransport) return all;
    const received = envelope.last(ReceivedStamp);
    if (received === undefined) return all; // sync dispatch: transport-bound handlers run too
    return all.filter(
      (d) => d.options.fromTransport === undefined || d.options.fromTransport === received.transportName,
    );
  }

  #handlersForClass(type: MessageClass): readonly HandlerDescriptor[] {
    const cached = this.#cache.get(type);
    if (cached) return cached;
    const seen = new Set<string>();
    const out: HandlerDescriptor[] = [];
    for (const key of [...classHierarchy(type), "*" as const]) {
      for (const descriptor of this.#byType.get(key) ?? []) {
        if (seen.has(descriptor.name)) continue;
        seen.add(descriptor.name);
        out.push(descriptor);
      }
    }
    this.#cache.set(type, out);
    return out;
  }
}
