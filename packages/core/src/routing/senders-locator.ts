import type { Envelope } from "../envelope/envelope.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { classHierarchy, getMessageMetadata } from "../message/as-message.js";
import type { MessageClass } from "../message/message-class.js";
import type { MessageTypeRegistry } from "../message/message-type-registry.js";
import { TransportNamesStamp } from "../stamps/transport-names-stamp.js";
import type { Sender } from "../transport/sender.js";
import type { RoutingConfig, TransportTargets } from "./routing-config.js";

function targets(value: TransportTargets): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/**
 * Decides which transports a message goes to:
 * 1. a transport-names stamp names them exactly;
 * 2. else routing entries for the class and its parents (by class, type name or class name) and
 *    type-name wildcards, most specific first, all accumulated; `"*"` only when none matched;
 * 3. else the `transport` of `@AsMessage` on the class or its parents.
 * Configuration wins over the decorator. Results are cached per message class.
 */
export class SendersLocator {
  readonly #byClass = new Map<MessageClass, readonly string[]>();
  readonly #byKey = new Map<string, readonly string[]>();
  readonly #cache = new Map<Function, ReadonlyMap<string, Sender>>();

  constructor(
    routing: RoutingConfig,
    private readonly senders: ReadonlyMap<string, Sender>,
    private readonly types: MessageTypeRegistry,
  ) {
    // Plain objects are keyed by strings; Maps and arrays of pairs may use the classes themselves.
    const entries: Iterable<readonly [MessageClass | string, TransportTargets]> =
      Symbol.iterator in Object(routing)
        ? (routing as Iterable<readonly [MessageClass | string, TransportTargets]>)
        : Object.entries(routing as Record<string, TransportTargets>);
    for (const [key, value] of entries) {
      const names = targets(value);
      const label = typeof key === "string" ? key : key.name;
      for (const name of names) this.#assertKnown(name, `routing of "${label}"`);
      if (typeof key === "string") this.#byKey.set(key, [...(this.#byKey.get(key) ?? []), ...names]);
      else this.#byClass.set(key, [...(this.#byClass.get(key) ?? []), ...names]);
    }
  }

  /** Senders for the envelope, keyed by transport name, in routing order. */
  getSenders(envelope: Envelope): ReadonlyMap<string, Sender> {
    const stamp = envelope.last(TransportNamesStamp);
    if (stamp) return this.#toSenders(stamp.transportNames, "the TransportNamesStamp");
    const type = envelope.message.constructor as MessageClass;
    let senders = this.#cache.get(type);
    if (!senders) {
      senders = this.#toSenders(this.transportNamesFor(type), `routing of "${type.name}"`);
      this.#cache.set(type, senders);
    }
    return senders;
  }

  /** The transport names routing gives a message class (no stamp involved); for `debug:messenger`. */
  transportNamesFor(type: MessageClass): string[] {
    const found = new Set<string>();
    const add = (names: readonly string[] | undefined) => {
      for (const name of names ?? []) found.add(name);
    };
    for (const klass of classHierarchy(type)) {
      add(this.#byClass.get(klass));
      const typeName = this.types.typeNameOf(klass);
      if (typeName !== undefined) add(this.#byKey.get(typeName));
      if (klass.name && klass.name !== typeName) add(this.#byKey.get(klass.name));
      if (typeName !== undefined) {
        // Wildcards, most specific first: app.lead.analyze → app.lead.* → app.*
        const parts = typeName.split(".");
        for (let i = parts.length - 1; i > 0; i--) add(this.#byKey.get(`${parts.slice(0, i).join(".")}.*`));
      }
    }
    if (found.size === 0) add(this.#byKey.get("*"));
    if (found.size === 0)
      for (const klass of classHierarchy(type)) add(getMessageMetadata(klass)?.transports);
    return [...found];
  }

  #toSenders(names: readonly string[], origin: string): ReadonlyMap<string, Sender> {
    const out = new Map<string, Sender>();
    for (const name of names) out.set(name, this.#assertKnown(name, origin));
    return out;
  }

  #assertKnown(name: string, origin: string): Sender {
    const sender = this.senders.get(name);
    if (!sender) {
      throw new InvalidArgumentError(
        `Unknown transport "${name}" in ${origin}; configured transports: ${[...this.senders.keys()].join(", ") || "none"}.`,
        { code: "UNKNOWN_TRANSPORT" },
      );
    }
    return sender;
  }
}
