import {
  InvalidArgumentError,
  redactDsn,
  resolveTransportOptions,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { InMemoryTransport } from "./in-memory-transport.js";

const SCHEME = "in-memory://";

/** The options an `in-memory://` DSN or options object may carry, with their defaults. */
const DEFAULTS = { serialize: false as boolean | string };

/**
 * Builds {@link InMemoryTransport}s for `in-memory://` DSNs (`in-memory://?serialize=true`), using
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
    const resolved = resolveTransportOptions(label, DEFAULTS, dsnQuery(dsn), options);
    const transport = new InMemoryTransport({
      serialize: toBoolean(resolved.serialize, "serialize", label),
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

/**
 * The options after `?`. Parsed here rather than with core's parseDsn because an in-memory DSN has
 * no host (`in-memory://?serialize=true`), and a host-less DSN is not a URL that parser accepts.
 */
function dsnQuery(dsn: string): Record<string, string> {
  const start = dsn.indexOf("?");
  const query: Record<string, string> = {};
  if (start === -1) return query;
  for (const [key, value] of new URLSearchParams(dsn.slice(start + 1))) query[key] = value;
  return query;
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
