import {
  InvalidArgumentError,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import {
  DEFAULT_DELIVERY_LIMIT,
  DEFAULT_REDELIVERY_TIMEOUT_MS,
  parseBooleanOption,
  parseDeliveryLimitOption,
  parseDsn,
  parseSecondsOptionAsMs,
  redactDsn,
  resolveTransportOptions,
} from "@messenger-ts/core/transport";
import { InMemoryTransport } from "./in-memory-transport.js";

const SCHEME = "in-memory://";

/**
 * The options an `in-memory://` DSN or options object may carry, with their defaults: the options
 * every transport shares (`redeliver_timeout` in seconds, `delivery_limit`, `auto_setup`) and `serialize`. There is
 * nothing to set up in memory, so `auto_setup` is checked and has no effect.
 */
const DEFAULTS = {
  serialize: false as boolean | string,
  redeliver_timeout: (DEFAULT_REDELIVERY_TIMEOUT_MS / 1000) as number | string,
  delivery_limit: DEFAULT_DELIVERY_LIMIT as number | string,
  auto_setup: true as boolean | string,
};

/**
 * Builds {@link InMemoryTransport}s for `in-memory://` DSNs (`in-memory://?serialize=true`,
 * `in-memory://?redeliver_timeout=30`), using
 * the messenger's clock and serializer. It remembers what it built so a test can reset them all
 * between cases, as Symfony does on `kernel.reset`.
 */
export class InMemoryTransportFactory implements TransportFactory {
  readonly schemes = ["in-memory"] as const;
  readonly #created: InMemoryTransport[] = [];

  supports(dsn: string): boolean {
    return typeof dsn === "string" && dsn.toLowerCase().startsWith(SCHEME);
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): InMemoryTransport {
    if (!this.supports(dsn)) {
      throw new InvalidArgumentError(
        `InMemoryTransportFactory cannot build transport "${context.name}" from "${redactDsn(dsn)}": expected an in-memory:// DSN.`,
        { code: "UNSUPPORTED_DSN" },
      );
    }
    const label = `transport "${context.name}" (in-memory://)`;
    const resolved = resolveTransportOptions(label, DEFAULTS, parseDsn(dsn).query, options);
    parseBooleanOption(resolved.auto_setup, "auto_setup", label);
    const transport = new InMemoryTransport({
      serialize: parseBooleanOption(resolved.serialize, "serialize", label),
      redeliveryTimeout: parseSecondsOptionAsMs(resolved.redeliver_timeout, "redeliver_timeout", label),
      deliveryLimit: parseDeliveryLimitOption(resolved.delivery_limit, "delivery_limit", label),
      clock: context.clock,
      serializer: context.serializer,
    });
    this.#created.push(transport);
    return transport;
  }

  /** The transports this factory created, oldest first. */
  get transports(): readonly InMemoryTransport[] {
    return this.#created;
  }

  /** Resets every transport this factory created: call it between tests. */
  resetAll(): void {
    for (const transport of this.#created) transport.reset();
  }
}
