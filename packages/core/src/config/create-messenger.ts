import type { MessageBus } from "../bus/message-bus.js";
import { MiddlewareMessageBus } from "../bus/middleware-message-bus.js";
import { RoutableMessageBus } from "../bus/routable-message-bus.js";
import { systemClock } from "../clock/clock.js";
import { isServiceContainer, type ServiceContainer } from "../di/service-container.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { EventDispatcher } from "../events/event-dispatcher.js";
import { HandlersLocator } from "../handler/handlers-locator.js";
import { nullLogger } from "../logger/logger.js";
import { messageTypes } from "../message/message-type-registry.js";
import { AddBusNameStampMiddleware } from "../middleware/add-bus-name-stamp-middleware.js";
import { DecodeFailedMessageMiddleware } from "../middleware/decode-failed-message-middleware.js";
import { DeduplicateMiddleware } from "../middleware/deduplicate-middleware.js";
import { DispatchAfterCurrentBusMiddleware } from "../middleware/dispatch-after-current-bus-middleware.js";
import { FailedMessageProcessingMiddleware } from "../middleware/failed-message-processing-middleware.js";
import { HandleMessageMiddleware } from "../middleware/handle-message-middleware.js";
import type { Middleware } from "../middleware/middleware.js";
import { RejectRedeliveredMessageMiddleware } from "../middleware/reject-redelivered-message-middleware.js";
import { SendMessageMiddleware } from "../middleware/send-message-middleware.js";
import { ValidationMiddleware } from "../middleware/validation-middleware.js";
import { SendersLocator } from "../routing/senders-locator.js";
import { JsonSerializer } from "../serialization/json-serializer.js";
import type { Sender } from "../transport/sender.js";
import { SyncTransportFactory } from "../transport/sync/sync-transport-factory.js";
import { TransportFactoryRegistry } from "../transport/transport-factory-registry.js";
import { buildHandlerEntries } from "./build-handler-entries.js";
import { Messenger, type ResolvedTransport } from "./messenger.js";
import {
  type BusConfig,
  type DefaultMiddlewareConfig,
  MESSENGER_CONFIG_KEYS,
  type MessengerConfig,
  type MiddlewareConfig,
  type TransportConfig,
} from "./messenger-config.js";
import { assertSingleCoreCopy } from "./single-core-copy.js";
import { TsyringeServiceContainer } from "./tsyringe-service-container.js";

export const DEFAULT_BUS_NAME = "messenger.bus.default";
const TRANSPORT_CONFIG_KEYS = [
  "dsn",
  "options",
  "serializer",
  "failureTransport",
  "retryStrategy",
  "rateLimiter",
  "concurrencyLimit",
];

function assertKnownKeys(value: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InvalidArgumentError(`Unknown key "${key}" in ${where}; allowed: ${allowed.join(", ")}.`, {
        code: "INVALID_CONFIGURATION",
      });
    }
  }
}

function defaultMiddlewareOf(config: BusConfig): Required<DefaultMiddlewareConfig> {
  const value = config.defaultMiddleware ?? true;
  if (value === "allow_no_handlers") return { enabled: true, allowNoHandlers: true, allowNoSenders: true };
  if (typeof value === "boolean") return { enabled: value, allowNoHandlers: false, allowNoSenders: true };
  return { enabled: true, allowNoHandlers: false, allowNoSenders: true, ...value };
}

/**
 * Turns one configuration object into a running messenger: buses with their middleware, the
 * transports built from their DSNs (not yet connected), routing and handlers. Every name in the
 * configuration is checked here, so a typo fails at start-up rather than on the first message.
 */
export function createMessenger(config: MessengerConfig = {}): Messenger {
  assertSingleCoreCopy();
  assertKnownKeys(config, MESSENGER_CONFIG_KEYS, "the messenger configuration");
  const clock = config.clock ?? systemClock;
  const logger = config.logger ?? nullLogger;
  const events = config.events ?? new EventDispatcher();
  const container = serviceContainerOf(config.container);
  const serializer = config.serializer ?? new JsonSerializer();
  const instrumentation = config.instrumentation;

  const busConfigs = config.buses ?? { [DEFAULT_BUS_NAME]: {} };
  const busNames = Object.keys(busConfigs);
  if (busNames.length === 0)
    throw new InvalidArgumentError("At least one bus is needed.", { code: "INVALID_CONFIGURATION" });
  if (config.defaultBus === undefined && busNames.length > 1) {
    throw new InvalidArgumentError(
      `"defaultBus" is required when there are several buses; buses: ${busNames.join(", ")}.`,
      { code: "INVALID_CONFIGURATION" },
    );
  }
  const defaultBusName = config.defaultBus ?? busNames[0]!;
  if (!busNames.includes(defaultBusName)) {
    throw new InvalidArgumentError(
      `Default bus "${defaultBusName}" is not configured; buses: ${busNames.join(", ")}.`,
      { code: "UNKNOWN_BUS" },
    );
  }

  const buses = new Map<string, MessageBus>();
  const routableBus = new RoutableMessageBus(buses, defaultBusName);
  const transports = buildTransports(config, { serializer, clock, logger, bus: () => routableBus });
  const senders = new SendersLocator(
    config.routing ?? {},
    new Map<string, Sender>([...transports].map(([name, t]) => [name, t.transport])),
    messageTypes,
  );

  const entries = buildHandlerEntries(config.handlers, container, busNames);
  const handlers = new Map<string, HandlersLocator>();
  // Shared across buses like Symfony's services; the after-current-bus queue must be one for all.
  const shared = {
    rejectRedelivered: new RejectRedeliveredMessageMiddleware(),
    dispatchAfterCurrentBus: new DispatchAfterCurrentBusMiddleware(),
    decodeFailed: new DecodeFailedMessageMiddleware(),
    failedMessageProcessing: new FailedMessageProcessingMiddleware(),
    validation: new ValidationMiddleware(),
  };
  for (const [busName, busConfig] of Object.entries(busConfigs)) {
    assertKnownKeys(busConfig, ["defaultMiddleware", "middleware"], `bus "${busName}"`);
    const locator = new HandlersLocator(entries.filter((e) => e.bus === undefined || e.bus === busName));
    handlers.set(busName, locator);
    const defaults = defaultMiddlewareOf(busConfig);
    const own = (busConfig.middleware ?? []).map((m) =>
      resolveMiddleware(m, busName, shared.validation, container),
    );
    const middleware: Middleware[] = defaults.enabled
      ? [
          ...(instrumentation ? [instrumentation.middleware] : []),
          new AddBusNameStampMiddleware(busName),
          shared.rejectRedelivered,
          shared.dispatchAfterCurrentBus,
          shared.decodeFailed,
          shared.failedMessageProcessing,
          ...own,
          new DeduplicateMiddleware(events),
          new SendMessageMiddleware(senders, events, defaults.allowNoSenders, instrumentation),
          new HandleMessageMiddleware(locator, defaults.allowNoHandlers, busName, instrumentation, logger),
        ]
      : own;
    buses.set(busName, new MiddlewareMessageBus(busName, middleware));
  }

  const messenger = new Messenger({
    buses,
    handlers,
    defaultBusName,
    routableBus,
    transports,
    failureTransportName: config.failureTransport,
    senders,
    serializer,
    events,
    container,
    clock,
    logger,
  });
  container.registerMessenger?.(messenger, buses);
  return messenger;
}

/** The container given (a ServiceContainer, or a tsyringe container to adapt), else tsyringe's root. */
function serviceContainerOf(given: MessengerConfig["container"]): ServiceContainer {
  if (given === undefined) return TsyringeServiceContainer.root();
  if (isServiceContainer(given)) return given;
  return new TsyringeServiceContainer(given);
}

function resolveMiddleware(
  middleware: MiddlewareConfig,
  busName: string,
  validation: ValidationMiddleware,
  container: ServiceContainer,
): Middleware {
  if (middleware === "validation") return validation;
  if (typeof middleware === "function") return container.resolve(middleware, "middleware class");
  if (typeof (middleware as Middleware | null)?.handle === "function") return middleware as Middleware;
  throw new InvalidArgumentError(
    `Invalid middleware ${JSON.stringify(middleware)} on bus "${busName}": give a middleware object, a middleware class, or "validation".`,
    { code: "INVALID_CONFIGURATION" },
  );
}

function buildTransports(
  config: MessengerConfig,
  context: Omit<import("../transport/transport-factory.js").TransportFactoryContext, "name" | "connections">,
): Map<string, ResolvedTransport> {
  const registry = new TransportFactoryRegistry([
    new SyncTransportFactory(),
    ...(config.transportFactories ?? []),
  ]);
  const databaseUrl = process.env.DATABASE_URL;
  const connections = { ...(databaseUrl ? { default: databaseUrl } : {}), ...config.connections };
  const configs = Object.entries(config.transports ?? {}).map(([name, value]): [string, TransportConfig] => {
    const normalized = typeof value === "string" ? { dsn: value } : value;
    if (typeof normalized !== "object" || normalized === null || typeof normalized.dsn !== "string") {
      throw new InvalidArgumentError(`Transport "${name}" needs a DSN string or { dsn, ... }.`, {
        code: "INVALID_CONFIGURATION",
      });
    }
    assertKnownKeys(normalized, TRANSPORT_CONFIG_KEYS, `transport "${name}"`);
    return [name, normalized];
  });
  const names = configs.map(([name]) => name);
  const checkFailureTransport = (target: string | undefined, where: string) => {
    if (target !== undefined && !names.includes(target)) {
      throw new InvalidArgumentError(
        `Unknown failure transport "${target}" in ${where}; configured transports: ${names.join(", ") || "none"}.`,
        { code: "UNKNOWN_TRANSPORT" },
      );
    }
  };
  checkFailureTransport(config.failureTransport, "failureTransport");
  const transports = new Map<string, ResolvedTransport>();
  for (const [name, t] of configs) {
    checkFailureTransport(t.failureTransport, `transport "${name}"`);
    const options = t.options ?? {};
    const transport = registry.createTransport(t.dsn, options, {
      ...context,
      name,
      serializer: t.serializer ?? context.serializer,
      connections,
    });
    const failureTransport = t.failureTransport ?? config.failureTransport;
    transports.set(name, {
      name,
      dsn: t.dsn,
      transport,
      options,
      // A failure transport does not send its own failures to itself.
      failureTransport: failureTransport === name ? undefined : failureTransport,
      retryStrategy: t.retryStrategy ?? {},
      rateLimiter: t.rateLimiter,
      concurrencyLimit: t.concurrencyLimit,
    });
  }
  return transports;
}
