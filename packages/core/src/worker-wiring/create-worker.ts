import { isConcurrencyLeaseStore } from "../concurrency-limit/concurrency-lease-store.js";
import type { ConcurrencyLimiter } from "../concurrency-limit/concurrency-limiter.js";
import { SharedConcurrencyLimiter } from "../concurrency-limit/shared-concurrency-limiter.js";
import type { Messenger } from "../config/messenger.js";
import { resettableServices } from "../di/resettable-services.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { ResetServicesListener } from "../listeners/reset-services-listener.js";
import { StopWorkerOnCustomStopExceptionListener } from "../listeners/stop-worker-on-custom-stop-exception-listener.js";
import { StopWorkerOnFailureLimitListener } from "../listeners/stop-worker-on-failure-limit-listener.js";
import { StopWorkerOnMemoryLimitListener } from "../listeners/stop-worker-on-memory-limit-listener.js";
import { StopWorkerOnMessageLimitListener } from "../listeners/stop-worker-on-message-limit-listener.js";
import { StopWorkerOnRestartSignalListener } from "../listeners/stop-worker-on-restart-signal-listener.js";
import { StopWorkerOnTimeLimitListener } from "../listeners/stop-worker-on-time-limit-listener.js";
import { WorkerHeartbeatListener } from "../listeners/worker-heartbeat-listener.js";
import { registerListeners, type WorkerListener } from "../listeners/worker-listener.js";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";
import { isSharedRateLimiterFactory } from "../rate-limit/rate-limiter.js";
import { TokenBucketRateLimiter } from "../rate-limit/token-bucket-rate-limiter.js";
import { isWorkerRegistry, type WorkerRegistry } from "../transport/capabilities/worker-registry.js";
import type { Receiver } from "../transport/receiver.js";
import { SyncTransport } from "../transport/sync/sync-transport.js";
import { isRestartSignalStore, type RestartSignalStore } from "../worker/restart-signal-store.js";
import { Worker } from "../worker/worker.js";
import type { WorkerOptions } from "../worker/worker-options.js";
import { failurePathListeners } from "./failure-path-listeners.js";

/** What `messenger:consume` takes: the receivers, the stop conditions and the worker options. */
export interface ConsumeOptions
  extends Omit<WorkerOptions, "rateLimiters" | "concurrencyLimiters" | "logger" | "clock"> {
  /** Transport names in priority order. */
  readonly receivers: readonly string[];
  /** Stop after this many messages (`--limit`). */
  readonly limit?: number;
  /** Stop after this many failed messages (`--failure-limit`). */
  readonly failureLimit?: number;
  /** Stop when the process uses more memory, in bytes or as "128M" (`--memory-limit`). */
  readonly memoryLimit?: number | string;
  /** Stop after this many milliseconds (`--time-limit`, which the console gives in seconds). */
  readonly timeLimit?: number;
  /** Where `messenger:stop-workers` leaves its signal; default: the first transport that is one. */
  readonly restartSignalStore?: RestartSignalStore | false;
  /**
   * Reset the services registered under `RESETTABLE` in the messenger's container after each
   * message and at stop; `false` is `--no-reset`. @defaultValue true
   */
  readonly reset?: boolean;
  /**
   * Milliseconds between two heartbeats the worker publishes into each consumed transport that
   * is a `WorkerRegistry` (`messenger:workers` lists them); `false` publishes none.
   * @defaultValue 10000
   */
  readonly heartbeatInterval?: number | false;
  /** Milliseconds without a heartbeat after which the worker counts as gone. @defaultValue 3 × heartbeatInterval */
  readonly heartbeatTimeout?: number;
  /**
   * At most this many messages of each consumed transport in handlers at once across every worker
   * (`--concurrency-limit`); overrides the transport's `concurrencyLimit.limit`.
   */
  readonly concurrencyLimit?: number;
}

/**
 * Builds a worker over a messenger's transports with Symfony's listeners on its own event
 * dispatcher (a child of the messenger's, so the application's listeners hear it too): error
 * details, retry, failure transport, the stop conditions asked for, the stop-worker error and
 * the reset of resettable services.
 */
export function createWorker(messenger: Messenger, options: ConsumeOptions): Worker {
  const {
    receivers: names,
    limit,
    failureLimit,
    memoryLimit,
    timeLimit,
    restartSignalStore,
    reset = true,
    heartbeatInterval,
    heartbeatTimeout,
    concurrencyLimit,
    ...workerOptions
  } = options;
  if (names.length === 0) {
    throw new InvalidArgumentError(
      `Name at least one transport to consume; receivers: ${messenger.receiverNames.join(", ") || "none"}.`,
      { code: "NO_RECEIVERS" },
    );
  }
  const receivers = new Map<string, Receiver>();
  const rateLimiters = new Map<string, RateLimiter>();
  const concurrencyLimiters = new Map<string, ConcurrencyLimiter>();
  for (const name of names) {
    const config = messenger.getTransportConfig(name);
    if (config.transport instanceof SyncTransport) {
      throw new InvalidArgumentError(`Transport "${name}" is sync://: there is nothing to consume.`, {
        code: "NOT_A_RECEIVER",
      });
    }
    receivers.set(name, config.transport);
    if (config.rateLimiter) {
      const { limit: permits, interval } = config.rateLimiter;
      rateLimiters.set(
        name,
        isSharedRateLimiterFactory(config.transport)
          ? config.transport.createRateLimiter(name, permits, interval)
          : new TokenBucketRateLimiter(permits, interval, messenger.clock),
      );
    }
    const capped = concurrencyLimitFor(name, config.concurrencyLimit, concurrencyLimit);
    if (capped) {
      if (!isConcurrencyLeaseStore(config.transport)) {
        throw new InvalidArgumentError(
          `Transport "${name}" cannot share a concurrency limit between workers: its backend keeps no leases. Remove its concurrencyLimit (or --concurrency-limit), or use a PostgreSQL, SQLite, Redis or in-memory transport.`,
          { code: "INVALID_CONFIGURATION" },
        );
      }
      concurrencyLimiters.set(
        name,
        new SharedConcurrencyLimiter(config.transport, name, capped.limit, {
          leaseTimeout: capped.leaseTimeout,
          logger: messenger.logger,
        }),
      );
    }
  }

  const { clock, logger } = messenger;
  const events = messenger.events.child();
  const listeners: WorkerListener[] = [
    ...failurePathListeners(messenger, events),
    new StopWorkerOnCustomStopExceptionListener({ logger }),
  ];
  if (limit !== undefined) listeners.push(new StopWorkerOnMessageLimitListener(limit, { logger }));
  if (failureLimit !== undefined)
    listeners.push(new StopWorkerOnFailureLimitListener(failureLimit, { logger }));
  if (memoryLimit !== undefined) listeners.push(new StopWorkerOnMemoryLimitListener(memoryLimit, { logger }));
  if (timeLimit !== undefined)
    listeners.push(new StopWorkerOnTimeLimitListener(timeLimit, { clock, logger }));
  const store =
    restartSignalStore === false
      ? undefined
      : (restartSignalStore ??
        messenger.transportNames.map((n) => messenger.getTransport(n)).find((t) => isRestartSignalStore(t)));
  if (store && isRestartSignalStore(store)) {
    listeners.push(new StopWorkerOnRestartSignalListener(store, { clock, logger }));
  }
  if (reset) {
    listeners.push(new ResetServicesListener(() => resettableServices(messenger.container), { logger }));
  }
  if (heartbeatInterval !== false) {
    const registries = new Map<string, WorkerRegistry>();
    for (const [name, receiver] of receivers) if (isWorkerRegistry(receiver)) registries.set(name, receiver);
    if (registries.size > 0) {
      listeners.push(
        new WorkerHeartbeatListener(registries, {
          interval: heartbeatInterval,
          timeout: heartbeatTimeout,
          concurrency: workerOptions.concurrency,
          clock,
          logger,
        }),
      );
    }
  }
  registerListeners(events, listeners);

  return new Worker(receivers, messenger.routableBus, events, {
    ...workerOptions,
    rateLimiters,
    concurrencyLimiters,
    logger,
    clock,
  });
}

/** The consume option wins over the transport's configuration; the lease timeout stays the transport's. */
function concurrencyLimitFor(
  name: string,
  configured: { readonly limit: number; readonly leaseTimeout?: number } | undefined,
  override: number | undefined,
): { readonly limit: number; readonly leaseTimeout?: number } | undefined {
  if (override === undefined) return configured;
  if (!Number.isSafeInteger(override) || override <= 0) {
    throw new InvalidArgumentError(
      `The concurrency limit of transport "${name}" must be a positive whole number of messages, got ${String(override)}.`,
      { code: "INVALID_LIMIT" },
    );
  }
  return { ...configured, limit: override };
}
