import type { MessageBus } from "../bus/message-bus.js";
import type { Clock } from "../clock/clock.js";
import type { Logger } from "../logger/logger.js";
import type { Serializer } from "../serialization/serializer.js";
import type { Transport } from "./transport.js";

/** What a factory gets besides the DSN and options. */
export interface TransportFactoryContext {
  /** The transport's name in the configuration (`async`, `failed`...). */
  readonly name: string;
  readonly serializer: Serializer;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The routable bus, for transports that hand messages straight back (`sync://`). */
  readonly bus: () => MessageBus;
  /** Named connection DSNs (`doctrine://<connection>`); `default` comes from DATABASE_URL. */
  readonly connections: Readonly<Record<string, string>>;
}

/**
 * Builds transports for some DSN schemes. `createTransport` must not connect: connections are made
 * lazily, so building a messenger never blocks and never fails on a backend that is down.
 */
export interface TransportFactory {
  /** The schemes this factory handles, without `://` (used for error messages and docs). */
  readonly schemes: readonly string[];
  /** `context` lets a factory look at named connections (`doctrine://<name>`). */
  supports(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context?: TransportFactoryContext,
  ): boolean;
  /** Throws an invalid-argument error naming any unknown option key and listing the allowed ones. */
  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): Transport;
}
