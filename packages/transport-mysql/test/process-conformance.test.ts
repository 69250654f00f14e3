import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  describeProcessConformance,
  type ProcessConformanceQueues,
  type RestartableBackend,
} from "@messenger-ts/core/testing";
import mysql, { type Pool, type RowDataPacket } from "mysql2/promise";
import { afterAll, describe } from "vitest";
import { adminPool, createDatabase, dropDatabase, dsn, MY, mysqlUp } from "./support/mysql.js";
import { canStartServers, PrivateMariadbServer } from "./support/private-server.js";

const admin = adminPool();
let privateServer: PrivateMariadbServer | undefined;
const privatePools: Pool[] = [];
afterAll(async () => {
  await admin.end();
  for (const pool of privatePools.splice(0)) await pool.end().catch(() => undefined);
  await privateServer?.destroy();
});

interface DatabaseQueues extends ProcessConformanceQueues {
  readonly database: string;
}

/** Missing table: nothing stored yet. */
const NO_SUCH_TABLE = 1146;

/**
 * The restart tests run on a server of this file's own: the shared one is not ours to restart.
 * Skipped with a warning without the server binaries.
 */
const restartable: RestartableBackend<DatabaseQueues> | undefined = canStartServers()
  ? {
      keepsData: true,
      unreachable: /ECONNREFUSED|connect|closed/i,
      async queues(test) {
        privateServer ??= await PrivateMariadbServer.create();
        if (!privateServer.running) await privateServer.start();
        const pool = mysql.createPool({
          host: "127.0.0.1",
          port: privateServer.port,
          user: "root",
          connectionLimit: 3,
        });
        privatePools.push(pool);
        const server = privateServer;
        return databaseQueues(pool, (database) => server.url(database), test);
      },
      stop: async () => privateServer!.stop(),
      start: async () => privateServer!.start(),
    }
  : undefined;
if (!restartable) {
  console.warn(
    "\n!!! No MariaDB server binaries (mariadbd, mariadb-install-db): SKIPPING the MySQL restart tests. !!!\n",
  );
}

describe.skipIf(!mysqlUp)("MySQL", () => {
  // Each test gets a database of its own.
  describeProcessConformance<DatabaseQueues>(
    "mysql",
    {
      factory: {
        module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
        exportName: "MysqlTransportFactory",
      },
      queues: async (test) => {
        const queues = await databaseQueues(admin, (database) => dsn(database), test);
        if (test !== "drain") return queues;
        // The server's own count of deadlocks over the drain: server-wide, so it is reported,
        // not asserted (another client of the shared server could add to it); the workers'
        // logs are asserted (quietDrain).
        const before = await deadlocks();
        return {
          ...queues,
          cleanup: async () => {
            console.info(
              `[process mysql] InnoDB deadlocks on the server during the drain: ${(await deadlocks()) - before}`,
            );
            await queues.cleanup();
          },
        };
      },
      restartable,
      // The connections worker `pid` holds on the test's database, found by their local ports
      // (`ss`): not the test's own sender, whose bulk INSERT killed between its commit and its
      // reply would be sent again by the test and stored twice.
      async killConnections({ database }, pid) {
        // Right after a round of kills the worker may not have connected again yet (its pool
        // reconnects on its next statement): look again for a while rather than report none.
        for (let attempt = 0; attempt < 30; attempt++) {
          const killed = await killWorkerConnections(database, pid);
          if (killed > 0) return killed;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return 0;
      },
    },
    // An acknowledgement whose connection is killed is sent again only while its claim holds; a
    // short redelivery timeout keeps the killed-connections test's wait for a lost one short.
    // Twice the default under kills: on a quiet machine 6,000 drained within about ten rounds of kills.
    { messages: 20_000, quietDrain: true, redeliveryUnderKills: 2_000, messagesUnderKills: 12_000 },
  );

  /** Kills the worker's connections to `database` (found by their local ports); how many. */
  async function killWorkerConnections(database: string, pid: number): Promise<number> {
    const ports = workerPorts(pid);
    if (ports.size === 0) return 0;
    const [rows] = await admin.query<RowDataPacket[]>(
      "SELECT ID AS id, HOST AS host FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()",
      [database],
    );
    let killed = 0;
    for (const row of rows) {
      if (!ports.has(Number(String(row.host).split(":").pop()))) continue;
      try {
        await admin.query(`KILL CONNECTION ${Number(row.id)}`);
        killed++;
      } catch {
        // Gone already.
      }
    }
    return killed;
  }
});

/** The local ports of worker `pid`'s TCP connections to the server (`ss` of iproute2). */
function workerPorts(pid: number): Set<number> {
  const listing = spawnSync("ss", ["-tnpH", "state", "established", "dport", "=", `:${MY.port}`], {
    encoding: "utf8",
  }).stdout;
  const ports = new Set<number>();
  for (const line of listing.split("\n")) {
    if (!line.includes(`pid=${pid},`)) continue;
    const local = line.trim().split(/\s+/)[2];
    const port = Number(local?.split(":").pop());
    if (Number.isInteger(port)) ports.add(port);
  }
  return ports;
}

async function deadlocks(): Promise<number> {
  const [rows] = await admin.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'");
  return Number(rows[0]?.Value ?? 0);
}

/** The queues of one test: a database of its own on the server `pool` reaches. */
async function databaseQueues(
  pool: Pool,
  url: (database: string) => string,
  test: string,
): Promise<DatabaseQueues> {
  const database = `mt_process_${test}_${process.pid}`;
  await createDatabase(pool, database);
  const table = `\`${database}\`.messenger_messages`;
  return {
    database,
    dsn: (queue, options = {}) => {
      const query = new URLSearchParams({
        queue_name: queue,
        ...(options.redeliveryTimeout ? { redeliver_timeout: String(options.redeliveryTimeout / 1000) } : {}),
        ...(options.deliveryLimit ? { delivery_limit: String(options.deliveryLimit) } : {}),
      });
      return `${url(database)}?${query}`;
    },
    async injectRaw(queue, body, headers) {
      await pool.query(
        `INSERT INTO ${table} (body, headers, queue_name, created_at, available_at) VALUES (?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))`,
        [body, JSON.stringify(headers), queue],
      );
    },
    async storedBodies(queue) {
      try {
        const [rows] = await pool.query<RowDataPacket[]>(
          `SELECT body FROM ${table} WHERE queue_name = ? ORDER BY id`,
          [queue],
        );
        return rows.map((row) => String(row.body));
      } catch (error) {
        if ((error as { errno?: number }).errno === NO_SUCH_TABLE) return [];
        throw error;
      }
    },
    cleanup: () => dropDatabase(pool, database),
  };
}
