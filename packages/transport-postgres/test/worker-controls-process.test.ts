import { fileURLToPath } from "node:url";
import { describeWorkerControlsConformance } from "@messenger-ts/core/testing";
import { afterAll, describe } from "vitest";
import { adminPool, dropSchema, dsn, pgUp } from "./support/postgres.js";

const admin = adminPool();
afterAll(() => admin.end());

describe.skipIf(!pgUp)("PostgreSQL", () => {
  // A schema of its own: the messages, the paused transports, the rate buckets and the leases.
  describeWorkerControlsConformance("postgres", {
    factory: {
      module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
      exportName: "PostgresTransportFactory",
    },
    async queues(test) {
      const schema = `mt_controls_${test}_${process.pid}`;
      return {
        dsn: (queue) => `${dsn()}?${new URLSearchParams({ schema, queue_name: queue })}`,
        cleanup: () => dropSchema(admin, schema),
      };
    },
  });
});
