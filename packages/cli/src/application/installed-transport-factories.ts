import type { TransportFactory } from "@messenger-ts/core";

/** The transport packages the standalone bin looks for, with the factory each one exports. */
const PACKAGES = [
  ["@messenger-ts/transport-memory", "InMemoryTransportFactory"],
  ["@messenger-ts/transport-postgres", "PostgresTransportFactory"],
  ["@messenger-ts/transport-sqlite", "SqliteTransportFactory"],
  ["@messenger-ts/transport-redis", "RedisTransportFactory"],
  ["@messenger-ts/transport-amqp", "AmqpTransportFactory"],
] as const;

/**
 * The factories of the transport packages installed beside the configuration, so a config file
 * may name DSNs only. A package that is not installed is skipped; the registry then names it when
 * a DSN needs it.
 */
export async function installedTransportFactories(
  importModule: (specifier: string) => Promise<Record<string, unknown>>,
): Promise<TransportFactory[]> {
  const factories: TransportFactory[] = [];
  for (const [specifier, exportName] of PACKAGES) {
    let module: Record<string, unknown>;
    try {
      module = await importModule(specifier);
    } catch (error) {
      if (isModuleNotFound(error)) continue;
      throw error;
    }
    const Factory = module[exportName] as (new () => TransportFactory) | undefined;
    if (Factory) factories.push(new Factory());
  }
  return factories;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}
