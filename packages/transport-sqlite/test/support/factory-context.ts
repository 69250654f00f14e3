import { JsonSerializer, nullLogger, systemClock, type TransportFactoryContext } from "@messenger-ts/core";

/** What createMessenger hands a factory, for transport "async"; the bus is not used by these tests. */
export function factoryContext(connections: Record<string, string> = {}): TransportFactoryContext {
  return {
    name: "async",
    serializer: new JsonSerializer(),
    clock: systemClock,
    logger: nullLogger,
    bus: () => {
      throw new Error("not used");
    },
    connections,
  };
}
