// A PostgreSQL outage under load, measured (not a test): N jobs through W worker processes on a
// PostgreSQL cluster of this run's own, stopped for D seconds in the middle (pg_ctl stop -m fast,
// sleep, start). Prints the jobs sent, handled, handled more than once, lost, and how many were in
// handlers at the instant the server stopped. Run from bench/ after a build:
//   node dist/outage.js [--n 4000] [--workers 3] [--down 8] [--concurrency 4] [--handler-ms 20]
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createMessenger, Envelope, isBulkSender } from "@messenger-ts/core";
import {
  ConformanceWorkerProcess,
  findPostgresBinaries,
  freePort,
  HandledLedger,
  PrivatePostgresCluster,
} from "@messenger-ts/core/testing";
import { PostgresTransportFactory } from "@messenger-ts/transport-postgres";
import pg from "pg";

// The job class the suite's worker processes handle: not exported, so loaded from beside the kit.
const { ProcessConformanceJob } = (await import(
  new URL("./conformance-messages.js", import.meta.resolve("@messenger-ts/core/testing")).href
)) as { ProcessConformanceJob: new (n: number) => object };

const args = process.argv.slice(2);
if (args[0] === "--") args.shift();
const { values } = parseArgs({
  args,
  options: {
    n: { type: "string", default: "4000" },
    workers: { type: "string", default: "3" },
    down: { type: "string", default: "8" },
    concurrency: { type: "string", default: "4" },
    "handler-ms": { type: "string", default: "20" },
    "redeliver-timeout": { type: "string", default: "30" },
  },
});
const n = Number(values.n);
const workerCount = Number(values.workers);
const downMs = Number(values.down) * 1000;
const concurrency = Number(values.concurrency);
const handlerMs = Number(values["handler-ms"]);
const redeliverTimeout = Number(values["redeliver-timeout"]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

const bin = findPostgresBinaries();
if (!bin) {
  console.error("No PostgreSQL server binaries (initdb, pg_ctl): cannot run the outage measurement.");
  process.exit(2);
}

const cluster = new PrivatePostgresCluster(await freePort(), bin);
const ledgerDir = mkdtempSync(join(tmpdir(), "mt-outage-"));
const workers: ConformanceWorkerProcess[] = [];
try {
  cluster.start();
  const dsn = `${cluster.url}?queue_name=jobs&redeliver_timeout=${redeliverTimeout}`;
  const ledger = new HandledLedger(ledgerDir);
  const messenger = createMessenger({
    transports: { jobs: dsn },
    transportFactories: [new PostgresTransportFactory()],
  });
  await messenger.setup();
  const jobs = messenger.getTransport("jobs");
  const factory = {
    module: fileURLToPath(import.meta.resolve("@messenger-ts/transport-postgres")),
    exportName: "PostgresTransportFactory",
  };
  for (let i = 0; i < workerCount; i++) {
    workers.push(
      new ConformanceWorkerProcess({ factory, jobs: dsn, ledger: ledgerDir, concurrency, handlerMs }),
    );
  }
  await Promise.all(workers.map((w) => w.ready()));

  for (let from = 0; from < n; from += 500) {
    const envelopes = Array.from({ length: Math.min(500, n - from) }, (_, i) =>
      Envelope.wrap(new ProcessConformanceJob(from + i)),
    );
    if (isBulkSender(jobs)) await jobs.sendMany(envelopes);
    else for (const envelope of envelopes) await jobs.send(envelope);
  }
  await messenger.close();
  log(`sent ${n}; ${workerCount} workers, concurrency ${concurrency}, handlers of ${handlerMs} ms`);

  const distinct = () => new Set(ledger.read().map((e) => e.n)).size;
  await eventually(() => distinct() >= n / 3, 120_000);
  const handledBefore = distinct();
  const stoppedAt = Date.now();
  cluster.stop("fast");
  log(`stopped the server after ${handledBefore} handled; down ${downMs / 1000} s`);
  await sleep(downMs);
  cluster.start();
  log("started it again");

  const drained = await eventually(() => distinct() >= n, 300_000);
  const pool = new pg.Pool({ connectionString: cluster.url, max: 1 });
  const stored = async () =>
    Number((await pool.query("SELECT count(*) AS c FROM messenger_messages")).rows[0].c);
  await eventually(async () => (await stored()) === 0, 60_000 + redeliverTimeout * 1000);
  // A job whose acknowledgement was lost comes back after the redelivery timeout: wait for it.
  await sleep(redeliverTimeout * 1000 + 2_000);
  const left = await stored();
  await pool.end();
  for (const worker of workers) worker.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.exited));

  // In handlers at the stop: started before it, finished after it (or never).
  let inHandlers = 0;
  for (const worker of workers) {
    const finished = new Map<string, number>();
    for (const line of worker.matching(/^finished /))
      finished.set(line.split(" ")[1]!, Number(line.split(" ")[2]));
    for (const line of worker.matching(/^started /)) {
      const [, job, at] = line.split(" ");
      if (Number(at) <= stoppedAt && (finished.get(job!) ?? Number.POSITIVE_INFINITY) > stoppedAt)
        inHandlers++;
    }
  }
  const handled = ledger.read();
  const counts = new Map<number, number>();
  for (const { n: job } of handled) counts.set(job, (counts.get(job) ?? 0) + 1);
  const duplicates = [...counts.values()].filter((c) => c > 1).length;
  const lost = n - counts.size;
  const errors = workers.reduce((sum, w) => sum + w.errors.length, 0);
  console.log(
    `PostgreSQL outage of ${downMs / 1000} s under load (${workerCount} workers, concurrency ${concurrency})`,
  );
  console.log(`  sent                       ${n}`);
  console.log(`  handled (runs)             ${handled.length}`);
  console.log(`  handled more than once     ${duplicates} (extra runs: ${handled.length - counts.size})`);
  console.log(`  lost                       ${lost}${drained ? "" : " (gave up waiting)"}`);
  console.log(`  in handlers at the stop    ${inHandlers}`);
  console.log(`  still stored at the end    ${left}`);
  console.log(`  error lines of the workers ${errors}`);
  process.exitCode = lost === 0 ? 0 : 1;
} finally {
  for (const worker of workers) worker.kill("SIGKILL");
  cluster.destroy();
  rmSync(ledgerDir, { recursive: true, force: true });
}
