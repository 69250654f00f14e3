import { parseDsn } from "../dsn.js";
import type { Transport } from "../transport.js";
import type { TransportFactory, TransportFactoryContext } from "../transport-factory.js";
import { resolveTransportOptions } from "../transport-options.js";
import { SyncTransport } from "./sync-transport.js";

/** Builds `sync://` transports; it takes no options. */
export class SyncTransportFactory implements TransportFactory {
  readonly schemes = ["sync"] as const;

  supports(dsn: string): boolean {
    return dsn.startsWith("sync://");
  }

  createTransport(
    dsn: string,
    options: Readonly<Record<string, unknown>>,
    context: TransportFactoryContext,
  ): Transport {
    resolveTransportOptions(`transport "${context.name}" (sync://)`, {}, parseDsn(dsn).query, options);
    return new SyncTransport(context.bus, context.name);
  }
}
