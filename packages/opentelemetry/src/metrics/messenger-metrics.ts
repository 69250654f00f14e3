import {
  type Clock,
  InvalidArgumentError,
  type Logger,
  type Messenger,
  nullLogger,
  systemClock,
} from "@messenger-ts/core";
import { type MeterProvider, metrics } from "@opentelemetry/api";
import { createMessengerInstruments, type MessengerInstruments } from "./messenger-instruments.js";
import { registerMetricsListeners } from "./metrics-listeners.js";
import { MetricsMiddleware } from "./metrics-middleware.js";
import { observeTransportCounts } from "./transport-gauges.js";

/** The instrumentation scope of every instrument. */
export const METER_NAME = "@messenger-ts/opentelemetry";

export interface MessengerMetricsOptions {
  /** Where the instruments are created. @defaultValue the global one (`metrics.getMeterProvider()`) */
  readonly meterProvider?: MeterProvider;
  /**
   * At most one count per transport per this many milliseconds per process, however often the
   * gauges are read. @defaultValue 15000
   */
  readonly countCacheTtl?: number;
  /**
   * How long reading the gauges waits for a count in flight before it answers with the previous
   * value (or skips the gauge). @defaultValue 2000
   */
  readonly countTimeout?: number;
  /** Logs the counts that fail. @defaultValue the messenger's logger, once registered */
  readonly logger?: Logger;
  /** Dates `SentAtStamp` and the cache of counts. @defaultValue the messenger's clock, else the system's */
  readonly clock?: Clock;
}

export const DEFAULT_COUNT_CACHE_TTL = 15_000;
export const DEFAULT_COUNT_TIMEOUT = 2_000;

/**
 * The messenger metrics of docs/observability.md through the OpenTelemetry metrics API. Two parts:
 *
 * - `middleware`: put it in each bus's `middleware` (dispatched, sent, handling duration, time
 *   from send to handle);
 * - `register(messenger)`: listens to the messenger's events (received, handled, failed, retried,
 *   sent to the failure transport, rate-limiter waits, running workers) and observes the
 *   transports' counts (queue depth, failure transport size), cached.
 *
 * Without a registered SDK the global meter provider is a no-op, and so is every instrument.
 */
export class MessengerMetrics {
  readonly instruments: MessengerInstruments;
  readonly middleware: MetricsMiddleware;
  readonly #options: MessengerMetricsOptions;
  readonly #meterProvider: MeterProvider;
  readonly #clock: { current: Clock };

  constructor(options: MessengerMetricsOptions = {}) {
    assertMilliseconds("countCacheTtl", options.countCacheTtl);
    assertMilliseconds("countTimeout", options.countTimeout);
    this.#options = options;
    this.#meterProvider = options.meterProvider ?? metrics.getMeterProvider();
    this.instruments = createMessengerInstruments(this.#meterProvider.getMeter(METER_NAME));
    // The middleware exists before the messenger (it goes into the bus config); it reads the clock
    // through this box, so `register` can give it the messenger's.
    const box = { current: options.clock ?? systemClock };
    this.#clock = box;
    this.middleware = new MetricsMiddleware(this.instruments, {
      now: () => box.current.now(),
      sleep: (ms, signal) => box.current.sleep(ms, signal),
    });
  }

  /** Starts listening to the messenger's events and observing its transports; returns the undo. */
  register(messenger: Messenger): () => void {
    if (this.#options.clock === undefined) this.#clock.current = messenger.clock;
    const clock = this.#clock.current;
    const removeListeners = registerMetricsListeners(messenger.events, this.instruments, clock);
    const removeGauges = observeTransportCounts(this.#meterProvider.getMeter(METER_NAME), messenger, {
      ttl: this.#options.countCacheTtl ?? DEFAULT_COUNT_CACHE_TTL,
      timeout: this.#options.countTimeout ?? DEFAULT_COUNT_TIMEOUT,
      clock,
      logger: this.#options.logger ?? messenger.logger ?? nullLogger,
    });
    return () => {
      removeListeners();
      removeGauges();
    };
  }
}

function assertMilliseconds(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(
      `Metrics option "${name}" must be a whole number of milliseconds >= 0, got ${String(value)}.`,
    );
  }
}
