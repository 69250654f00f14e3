import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeProcessConformance, describeWorkerControlsConformance } from "@messenger-ts/core/testing";
import { describe } from "vitest";
import { DRIVERS, openDatabase, raw } from "./support/drivers.js";

/**
 * Each test gets a file of its own in a directory of its own; the rows are read and written with
 * SQL. Once per driver this Node.js has, the worker processes forced onto it by the DSN.
 */
for (const driver of DRIVERS) {
  describe(driver, () => {
    describeProcessConformance(
      "sqlite",
      {
        factory: {
          module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
          exportName: "SqliteTransportFactory",
        },
        async queues(test) {
          const dir = mkdtempSync(join(tmpdir(), "messenger-sqlite-process-"));
          const file = join(dir, `${test}.sqlite`);
          const db = () => raw(openDatabase(file, driver));
          return {
            dsn: (queue, options = {}) =>
              `sqlite://${file}?queue_name=${queue}&driver=${driver}` +
              (options.redeliveryTimeout ? `&redeliver_timeout=${options.redeliveryTimeout / 1000}` : "") +
              (options.deliveryLimit ? `&delivery_limit=${options.deliveryLimit}` : ""),
            async injectRaw(queue, body, headers) {
              const now = Date.now();
              const handle = db();
              handle
                .prepare(
                  "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) VALUES (?, ?, ?, ?, ?)",
                )
                .run(body, JSON.stringify(headers), queue, now, now);
              handle.close();
            },
            async storedBodies(queue) {
              const handle = db();
              const rows = handle
                .prepare("SELECT body FROM messenger_messages WHERE queue_name = ? ORDER BY id")
                .all(queue) as { body: string }[];
              handle.close();
              return rows.map((row) => row.body);
            },
            async cleanup() {
              rmSync(dir, { recursive: true, force: true });
            },
          };
        },
      },
      { concurrency: 1 },
    );
    // Pause state and shared limits under three worker processes, in a file of its own; on one
    // driver: the stores are the same SQL on both.
    if (driver === DRIVERS[0]) {
      describeWorkerControlsConformance("sqlite", {
        factory: {
          module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
          exportName: "SqliteTransportFactory",
        },
        async queues(test) {
          const dir = mkdtempSync(join(tmpdir(), "messenger-sqlite-controls-"));
          const file = join(dir, `${test}.sqlite`);
          return {
            dsn: (queue) => `sqlite://${file}?queue_name=${queue}&driver=${driver}`,
            cleanup: () => rmSync(dir, { recursive: true, force: true }),
          };
        },
      });
    }
  });
}
