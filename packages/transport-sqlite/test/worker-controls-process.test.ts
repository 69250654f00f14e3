import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeWorkerControlsConformance } from "@messenger-ts/core/testing";

// A file of its own: the messages, the paused transports, the rate buckets and the leases.
describeWorkerControlsConformance("sqlite", {
  factory: {
    module: fileURLToPath(new URL("../dist/index.js", import.meta.url)),
    exportName: "SqliteTransportFactory",
  },
  async queues(test) {
    const dir = mkdtempSync(join(tmpdir(), "messenger-sqlite-controls-"));
    const file = join(dir, `${test}.sqlite`);
    return {
      dsn: (queue) => `sqlite://${file}?queue_name=${queue}`,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  },
});
