import {
  findPostgresBinaries,
  freePort,
  PrivatePostgresCluster,
  type ProcessConformanceQueues,
  type RestartableBackend,
} from "@messenger-ts/core/testing";
import pg from "pg";

/** The restartable backend of the process-level suite, plus the removal of its cluster. */
export interface PrivateClusterBackend<Q extends ProcessConformanceQueues> extends RestartableBackend<Q> {
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of this test file's own, created and started on first use, which the
 * process-level suite stops and starts (never the shared server). Undefined, with a warning,
 * when this machine has no PostgreSQL server binaries. `queues` builds a test's queues from a
 * pool on the cluster and its base DSN.
 */
export function privateCluster<Q extends ProcessConformanceQueues>(
  queues: (pool: pg.Pool, url: string, test: string) => Promise<Q>,
): PrivateClusterBackend<Q> | undefined {
  const bin = findPostgresBinaries();
  if (!bin) {
    console.warn(
      "\n!!! No PostgreSQL server binaries (initdb, pg_ctl): SKIPPING the PostgreSQL restart tests. !!!\n",
    );
    return undefined;
  }
  let cluster: PrivatePostgresCluster | undefined;
  const pools: pg.Pool[] = [];
  return {
    keepsData: true,
    unreachable: /ECONNREFUSED|connect/,
    async queues(test) {
      if (!cluster) {
        cluster = new PrivatePostgresCluster(await freePort(), bin);
        cluster.start();
      }
      if (!cluster.running) cluster.start();
      const pool = new pg.Pool({
        connectionString: cluster.url,
        max: 3,
        application_name: "messenger-ts-tests",
      });
      // Idle clients lose their connection when the suite stops the server.
      pool.on("error", () => undefined);
      pools.push(pool);
      return queues(pool, cluster.url, test);
    },
    async stop() {
      cluster!.stop("fast");
    },
    async start() {
      cluster!.start();
    },
    async destroy() {
      for (const pool of pools.splice(0)) await pool.end().catch(() => undefined);
      cluster?.destroy();
    },
  };
}
