import { messengerSystem } from "./messenger-common.js";

/**
 * messenger-ts on the in-memory transport: no I/O, the floor of what the bus and the worker cost.
 * Producer and worker share the runner's process (an in-memory queue cannot cross processes).
 */
export const messengerMemory = messengerSystem({
  name: "messenger-memory",
  backend: "memory",
  packageName: "@messenger-ts/transport-memory",
  factoryExport: "InMemoryTransportFactory",
  dsn: () => "in-memory://",
  probeBackend: async () => undefined,
  clean: async () => {},
  inProcess: true,
});
