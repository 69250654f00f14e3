import {
  InvalidArgumentError,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import {
  parseSecondsOptionAsMs,
  parseWholeNumberOption,
  resolveTransportOptions,
} from "@messenger-ts/core/transport";
import { MessageGenerator } from "./message-generator.js";
import { assertScheduleName, type ScheduleRegistry } from "./schedule-registry.js";
import { ScheduleTransport } from "./schedule-transport.js";

const SCHEME = "schedule://";

/** Options of a `schedule://` DSN or options object (DSN values arrive as strings). */
const DEFAULTS = { redeliver_timeout: 60 as unknown, batch_size: 100 as unknown };
/** The most messages one get() of a schedule generates. */
const MAX_BATCH_SIZE = 100_000;

/**
 * Builds the receive-only transports of schedules: `schedule://<name>` consumes the schedule
 * `<name>` of the registry. Name the transport `scheduler_<name>` (Symfony's convention, and what
 * `registry.transports()` gives): `messenger:consume scheduler_<name>`.
 *
 * Options: `redeliver_timeout` (seconds, default 60; see {@link ScheduleTransport}) and
 * `batch_size` (the most runs one poll emits, default 100). Locks, checkpoints and missed-run
 * handling are settings of the `Schedule` itself.
 */
export class ScheduleTransportFactory implements TransportFactory {
  readonly schemes = ["schedule"] as const;

  constructor(private readonly schedules: ScheduleRegistry) {}

  supports(dsn: string): boolean {
    return typeof dsn === "string" && dsn.toLowerCase().startsWith(SCHEME);
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): ScheduleTransport {
    if (!this.supports(dsn)) {
      throw new InvalidArgumentError(
        `ScheduleTransportFactory cannot build transport "${context.name}" from "${dsn}": expected schedule://<name>.`,
        { code: "UNSUPPORTED_DSN" },
      );
    }
    // Not parsed as a URL: a host name would be lowercased, and schedule names keep their case.
    const rest = dsn.slice(SCHEME.length);
    const queryAt = rest.indexOf("?");
    const name = decodeURIComponent(queryAt < 0 ? rest : rest.slice(0, queryAt));
    const query = Object.fromEntries(new URLSearchParams(queryAt < 0 ? "" : rest.slice(queryAt + 1)));
    assertScheduleName(name);
    const label = `transport "${context.name}" (schedule://${name})`;
    const resolved = resolveTransportOptions(label, DEFAULTS, query, options);
    const redeliveryTimeout = parseSecondsOptionAsMs(resolved.redeliver_timeout, "redeliver_timeout", label);
    const batchSize = parseWholeNumberOption(resolved.batch_size, "batch_size", label, 1, MAX_BATCH_SIZE);
    const generator = new MessageGenerator(name, this.schedules.provider(name), {
      clock: context.clock,
      logger: context.logger,
      batchSize,
    });
    return new ScheduleTransport(generator, {
      clock: context.clock,
      logger: context.logger,
      redeliveryTimeout,
    });
  }
}
