import type { TransportFactory, TransportFactoryContext } from "@messenger-ts/core";
import { redactDsn } from "@messenger-ts/core/transport";
import { parseAmqpDsn } from "./amqp-dsn.js";
import { resolveAmqpOptions } from "./amqp-options.js";
import { AmqpTransport } from "./amqp-transport.js";

/**
 * Builds {@link AmqpTransport}s from `amqp://` and `amqps://` DSNs, as Symfony's AMQP transport
 * reads them: `/vhost/exchange` in the path, options in the query (nested with brackets) and in
 * the options object; the query wins. An unknown key is an error listing the allowed ones, at
 * every level. Nothing connects here: the connection opens on first use.
 */
export class AmqpTransportFactory implements TransportFactory {
  readonly schemes = ["amqp", "amqps"] as const;

  supports(dsn: string): boolean {
    return typeof dsn === "string" && /^amqps?:\/\//i.test(dsn);
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): AmqpTransport {
    const parsed = parseAmqpDsn(dsn);
    const label = `transport "${context.name}" (${redactDsn(dsn)})`;
    const resolved = resolveAmqpOptions(label, parsed, parsed.query, options);
    return new AmqpTransport({
      resolved,
      serializer: context.serializer,
      name: context.name,
      logger: context.logger,
    });
  }
}
