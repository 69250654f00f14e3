import { databaseUrl, isolated, probePostgres, resetDatabase, settleDatabase } from "../backends.js";
import { messengerSystem } from "./messenger-common.js";

const DATABASE = isolated("bench_messenger_postgres");

/** messenger-ts on @messenger-ts/transport-postgres, in a database of its own. */
export const messengerPostgres = messengerSystem({
  name: "messenger-postgres",
  backend: "postgres",
  packageName: "@messenger-ts/transport-postgres",
  factoryExport: "PostgresTransportFactory",
  dsn: (queue) => `${databaseUrl(DATABASE)}?queue_name=${queue}`,
  probeBackend: probePostgres,
  clean: () => resetDatabase(DATABASE),
  settle: () => settleDatabase(DATABASE),
});

/** The same, with every job sent at one of ten priorities: claims by priority against claims without. */
export const messengerPostgresPriority = messengerSystem({
  name: "messenger-postgres-priority",
  backend: "postgres",
  packageName: "@messenger-ts/transport-postgres",
  factoryExport: "PostgresTransportFactory",
  dsn: (queue) => `${databaseUrl(`${DATABASE}_priority`)}?queue_name=${queue}`,
  probeBackend: probePostgres,
  clean: () => resetDatabase(`${DATABASE}_priority`),
  settle: () => settleDatabase(`${DATABASE}_priority`),
  priorityLevels: 10,
});
