import type { DependencyContainer } from "tsyringe";
import type { Clock } from "../clock/clock.js";
import type { ServiceContainer } from "../di/service-container.js";
import type { EventDispatcher } from "../events/event-dispatcher.js";
import type { HandlerRegistration } from "../handler/handler-registration.js";
import type { Logger } from "../logger/logger.js";
import type { MessengerInstrumentation } from "../middleware/messenger-instrumentation.js";
import type { Middleware } from "../middleware/middleware.js";
import type { RetryStrategyConfig } from "../retry/retry-strategy-config.js";
import type { RoutingConfig } from "../routing/routing-config.js";
import type { Serializer } from "../serialization/serializer.js";
import type { TransportFactory } from "../transport/transport-factory.js";

/** `default_middleware` of a bus. */
export interface DefaultMiddlewareConfig {
  /** @defaultValue true */
  readonly enabled?: boolean;
  /** @defaultValue false */
  readonly allowNoHandlers?: boolean;
  /** @defaultValue true */
  readonly allowNoSenders?: boolean;
}

/** A middleware instance, a class resolved from the container, or a built-in id. */
export type MiddlewareConfig = Middleware | (new (...args: any[]) => Middleware) | "validation";

/** One bus (`framework.messenger.buses.<name>`). */
export interface BusConfig {
  /** `false` removes the default stack; `"allow_no_handlers"` is the shortcut Symfony offers. */
  readonly defaultMiddleware?: boolean | "allow_no_handlers" | DefaultMiddlewareConfig;
  /** The application's middleware, run between the default ones and send/handle, in this order. */
  readonly middleware?: readonly MiddlewareConfig[];
}

/** One transport (`framework.messenger.transports.<name>`). */
export interface TransportConfig {
  readonly dsn: string;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly serializer?: Serializer;
  /** Where this transport's messages go when retries are exhausted (overrides the global one). */
  readonly failureTransport?: string;
  readonly retryStrategy?: RetryStrategyConfig;
  /** Messages per interval the worker takes from this transport. */
  readonly rateLimiter?: { readonly limit: number; readonly interval: number };
  /**
   * At most `limit` messages of this transport in handlers at once, across every worker that
   * consumes it (slots leased in the transport's backend; a lease not renewed for `leaseTimeout`
   * ms, default 30000, expires, so a killed worker frees its slots). Transports whose backend
   * keeps no leases refuse it.
   */
  readonly concurrencyLimit?: { readonly limit: number; readonly leaseTimeout?: number };
}

/** A handler source: a class decorated with `@AsMessageHandler`, or a `defineHandler(...)` result. */
export type HandlerSource = (abstract new (...args: any[]) => object) | HandlerRegistration;

/**
 * The whole configuration, key for key the `framework.messenger` tree of `messenger.yaml` (in
 * camelCase), plus what a Node application has to hand over itself: handlers, factories,
 * container, clock and logger.
 */
export interface MessengerConfig {
  /** Required when there is more than one bus. */
  readonly defaultBus?: string;
  /** @defaultValue `{ "messenger.bus.default": {} }` */
  readonly buses?: Readonly<Record<string, BusConfig>>;
  readonly transports?: Readonly<Record<string, string | TransportConfig>>;
  /** The global failure transport, for transports that name none. */
  readonly failureTransport?: string;
  readonly routing?: RoutingConfig;
  /** The default serializer of every transport. @defaultValue a JsonSerializer */
  readonly serializer?: Serializer;
  /** Handler classes and function handlers. @defaultValue every class decorated with `@AsMessageHandler` */
  readonly handlers?: readonly HandlerSource[];
  /** Factories for transport DSNs besides `sync://`. */
  readonly transportFactories?: readonly TransportFactory[];
  /** Named connections for `doctrine://<name>`. @defaultValue `{ default: process.env.DATABASE_URL }` when set */
  readonly connections?: Readonly<Record<string, string>>;
  /**
   * Where handler and middleware classes are resolved and the buses registered: a tsyringe
   * container, or any {@link ServiceContainer} (Nest's, through `@messenger-ts/nestjs`).
   * @defaultValue tsyringe's root container
   */
  readonly container?: DependencyContainer | ServiceContainer;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly events?: EventDispatcher;
  /**
   * Hooks of an instrumentation (e.g. `messengerTracing()` of `@messenger-ts/opentelemetry`) into
   * every bus that keeps its default middleware: spans around dispatch, each send and each handler.
   */
  readonly instrumentation?: MessengerInstrumentation;
}

export const MESSENGER_CONFIG_KEYS: readonly (keyof MessengerConfig)[] = [
  "defaultBus",
  "buses",
  "transports",
  "failureTransport",
  "routing",
  "serializer",
  "handlers",
  "transportFactories",
  "connections",
  "container",
  "clock",
  "logger",
  "events",
  "instrumentation",
];
