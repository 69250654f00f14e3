import { resetSqliteFile, sqliteFile } from "../backends.js";
import { messengerSystem } from "./messenger-common.js";

/** messenger-ts on @messenger-ts/transport-sqlite, in a file of its own under the OS temp directory. */
export const messengerSqlite = messengerSystem({
  name: "messenger-sqlite",
  backend: "sqlite",
  packageName: "@messenger-ts/transport-sqlite",
  factoryExport: "SqliteTransportFactory",
  dsn: (queue) => `sqlite://${sqliteFile("messenger-sqlite")}?queue_name=${queue}`,
  probeBackend: async () => undefined,
  clean: () => resetSqliteFile("messenger-sqlite"),
});
