import type { MessageBus } from "../bus/message-bus.js";
import type { RoutableMessageBus } from "../bus/routable-message-bus.js";
import type { Clock } from "../clock/clock.js";
import type { ServiceContainer } from "../di/service-container.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import type { HandlersLocator } from "../handler/handlers-locator.js";
import type { Logger } from "../logger/logger.js";
import type { RetryStrategyConfig } from "../retry/retry-strategy-config.js";
import type { SendersLocator } from "../routing/senders-locator.js";
import type { Serializer } from "../serialization/serializer.js";
import { isCloseableTransport } from "../transport/capabilities/closeable-transport.js";
import { isSetupableTransport } from "../transport/capabilities/setupable-transport.js";
import { SyncTransport } from "../transport/sync/sync-transport.js";
import type { Transport } from "../transport/transport.js";

/** A transport as configured, after defaults. */
export interface ResolvedTransport {
  readonly name: string;
  readonly dsn: string;
  readonly transport: Transport;
  readonly options: Readonly<Record<string, unknown>>;
  readonly failureTransport: string | undefined;
  readonly retryStrategy: RetryStrategyConfig;
  readonly rateLimiter: { readonly limit: number; readonly interval: number } | undefined;
  readonly concurrencyLimit: { readonly limit: number; readonly leaseTimeout?: number } | undefined;
}

/** The parts a messenger is made of; built by `createMessenger`. */
export interface MessengerParts {
  readonly buses: ReadonlyMap<string, MessageBus>;
  readonly handlers: ReadonlyMap<string, HandlersLocator>;
  readonly defaultBusName: string;
  readonly routableBus: RoutableMessageBus;
  readonly transports: ReadonlyMap<string, ResolvedTransport>;
  /** The global failure transport (`failure_transport`), if any. */
  readonly failureTransportName?: string | undefined;
  readonly senders: SendersLocator;
  readonly serializer: Serializer;
  readonly events: EventDispatcher;
  /** Where handler and middleware classes are built (tsyringe's adapter unless given another). */
  readonly container: ServiceContainer;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A running configuration: its buses, transports and the services a worker or the console needs. */
export class Messenger {
  readonly #parts: MessengerParts;

  constructor(parts: MessengerParts) {
    this.#parts = parts;
  }

  /** The default bus. */
  get bus(): MessageBus {
    return this.getBus(this.#parts.defaultBusName);
  }

  get defaultBusName(): string {
    return this.#parts.defaultBusName;
  }

  get busNames(): string[] {
    return [...this.#parts.buses.keys()];
  }

  /** The bus workers dispatch on (by the envelope's bus-name stamp). */
  get routableBus(): RoutableMessageBus {
    return this.#parts.routableBus;
  }

  get events(): EventDispatcher {
    return this.#parts.events;
  }

  get serializer(): Serializer {
    return this.#parts.serializer;
  }

  get clock(): Clock {
    return this.#parts.clock;
  }

  get logger(): Logger {
    return this.#parts.logger;
  }

  /** The container handler classes are resolved from. */
  get container(): ServiceContainer {
    return this.#parts.container;
  }

  get senders(): SendersLocator {
    return this.#parts.senders;
  }

  getBus(name: string): MessageBus {
    return this.#parts.routableBus.getMessageBus(name);
  }

  /** The handlers registered on a bus (for `debug:messenger`). */
  getHandlers(busName: string): HandlersLocator {
    this.getBus(busName);
    return this.#parts.handlers.get(busName)!;
  }

  get transportNames(): string[] {
    return [...this.#parts.transports.keys()];
  }

  /** Transports a worker can consume: every one but `sync://`. */
  get receiverNames(): string[] {
    return [...this.#parts.transports.values()]
      .filter((t) => !(t.transport instanceof SyncTransport))
      .map((t) => t.name);
  }

  getTransport(name: string): Transport {
    return this.getTransportConfig(name).transport;
  }

  getTransportConfig(name: string): ResolvedTransport {
    const resolved = this.#parts.transports.get(name);
    if (!resolved) {
      throw new InvalidArgumentError(
        `Unknown transport "${name}"; configured transports: ${this.transportNames.join(", ") || "none"}.`,
        { code: "UNKNOWN_TRANSPORT" },
      );
    }
    return resolved;
  }

  /** The global failure transport (`failure_transport`), if one is configured. */
  get failureTransportName(): string | undefined {
    return this.#parts.failureTransportName;
  }

  /** Every transport some transport sends its failures to, the global one first. */
  get failureTransportNames(): string[] {
    const names = new Set<string>();
    if (this.#parts.failureTransportName) names.add(this.#parts.failureTransportName);
    for (const t of this.#parts.transports.values()) if (t.failureTransport) names.add(t.failureTransport);
    return [...names];
  }

  /** Where a transport's exhausted messages go (its own setting, else the global one). */
  getFailureTransportName(transportName: string): string | undefined {
    return this.getTransportConfig(transportName).failureTransport;
  }

  /** Runs `setup()` on every transport that has one (tables, streams...). */
  async setup(): Promise<void> {
    for (const { transport } of this.#parts.transports.values()) {
      if (isSetupableTransport(transport)) await transport.setup();
    }
  }

  /** Closes every transport's connections; the messenger must not be used afterwards. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const { transport } of this.#parts.transports.values()) {
      if (!isCloseableTransport(transport)) continue;
      try {
        await transport.close();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, "Some transports failed to close.");
  }
}
