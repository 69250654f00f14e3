import { databaseUrl, probePostgres, resetDatabase } from "../backends.js";
import { messengerSystem } from "./messenger-common.js";

const DATABASE = "bench_messenger_postgres";

/** messenger-ts on @messenger-ts/transport-postgres, in a database of its own. */
export const messengerPostgres = messengerSystem({
  name: "messenger-postgres",
  backend: "postgres",
  packageName: "@messenger-ts/transport-postgres",
  factoryExport: "PostgresTransportFactory",
  dsn: (queue) => `${databaseUrl(DATABASE)}?queue_name=${queue}`,
  probeBackend: probePostgres,
  clean: () => resetDatabase(DATABASE),
});
