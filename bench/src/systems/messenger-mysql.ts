import { isolated, mysqlDatabaseUrl, probeMysql, resetMysqlDatabase } from "../backends.js";
import { messengerSystem } from "./messenger-common.js";

const DATABASE = isolated("bench_messenger_mysql");

/** messenger-ts on @messenger-ts/transport-mysql (MySQL or MariaDB), in a database of its own. */
export const messengerMysql = messengerSystem({
  name: "messenger-mysql",
  backend: "mysql",
  packageName: "@messenger-ts/transport-mysql",
  factoryExport: "MysqlTransportFactory",
  dsn: (queue) => `${mysqlDatabaseUrl(DATABASE)}?queue_name=${queue}`,
  probeBackend: probeMysql,
  clean: () => resetMysqlDatabase(DATABASE),
});
