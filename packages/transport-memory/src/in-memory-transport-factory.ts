import {
  InvalidArgumentError,
  parseDsn,
  redactDsn,
  resolveTransportOptions,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { InMemoryTransport } from "./in-memory-transport.js";

const SCHEME = "in-memory://";

/**
 * The options an `in-memory://` DSN or options object may carry, with their defaults. An undefined
 * `redeliver_timeout` (seconds, as for every transport) leaves the transport's own default (60 s).
 */
const DEFAULTS = { serialize: false as boolean | string, redeliver_timeout: undefined as unknown };

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
    const transport = new InMemoryTransport({
      serialize: toBoolean(resolved.serialize, "serialize", label),
      redeliveryTimeout: secondsToMilliseconds(resolved.redeliver_timeout, "redeliver_timeout", label),
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

/** DSN options arrive as strings, options objects as real booleans: accept both, and nothing else. */
function toBoolean(value: unknown, option: string, label: string): boolean {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  const shown = typeof value === "string" ? `"${value}"` : String(value);
  throw new InvalidArgumentError(
    `Invalid value ${shown} for option "${option}" of ${label}: expected true or false (or "true" / "false").`,
    { code: "INVALID_TRANSPORT_OPTION" },
  );
}

/**
 * `redeliver_timeout` is in seconds, as Symfony's and our SQL transports' option is (fractions
 * allowed: "0.5" is 500 ms); the transport itself takes milliseconds. Undefined when not given.
 */
function secondsToMilliseconds(value: unknown, option: string, label: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0) {
    const ms = Math.round(seconds * 1000);
    if (ms > 0 && Number.isSafeInteger(ms)) return ms;
  }
  const shown = typeof value === "string" ? `"${value}"` : String(value);
  throw new InvalidArgumentError(
    `Invalid value ${shown} for option "${option}" of ${label}: expected a number of seconds > 0.`,
    { code: "INVALID_TRANSPORT_OPTION" },
  );
}
