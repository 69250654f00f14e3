import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isMessageCountAware } from "@messenger-ts/core";
import { freePort } from "@messenger-ts/core/testing";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  AnalyzeLeadMessage,
  createLeadgenApp,
  createLeadgenServer,
  type LeadgenOptions,
  loadFixtures,
  SendEmailMessage,
  SyncAresDataMessage,
  TakeScreenshotMessage,
} from "../../src/index.js";
import { CONSOLE_BIN } from "../support/console.js";
import { TEST_RETRY_DELAY_SCALE } from "../support/pg-app.js";
import { dropSchema, PG_URL, pgUp, schemaFor } from "../support/postgres.js";
import { type PrometheusServer, prometheusAvailable, startPrometheus } from "../support/prometheus.js";
import { REDIS, redisUp } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";

const prometheusUp = prometheusAvailable();

/**
 * The application as deployed: `app:serve`'s server (here, in the test's process) and a worker
 * process (`bin/console messenger:consume high_priority normal --metrics-port=<port>`), both
 * scraped every second by a real Prometheus server (Debian's binary, started here on a free
 * loopback port with a config and storage of this test). The test dispatches the seed's failure
 * inputs and some ordinary work; the worker handles, retries and fails them; the test reads the
 * counters and gauges back through Prometheus's HTTP API. low_priority is not consumed, so its
 * messages stay queued for the queue-depth gauge.
 */
async function scrapeWhileWorking(options: LeadgenOptions, workerEnv: Readonly<Record<string, string>>) {
  const app = await createLeadgenApp({
    retryDelayScale: TEST_RETRY_DELAY_SCALE,
    latencyMs: 1,
    scheduleStore: null,
    // Short, so the queue-depth gauge follows the test within seconds (default 15 s).
    metricsCountCacheTtl: 200,
    ...options,
  });
  let server: Server | undefined;
  let worker: ChildProcess | undefined;
  let prometheus: PrometheusServer | undefined;
  let workerLog = "";
  try {
    await app.setup();
    const fixtures = await loadFixtures(app);
    server = createLeadgenServer(app);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const web = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const workerPort = await freePort();
    worker = spawn(
      process.execPath,
      [CONSOLE_BIN, "messenger:consume", "high_priority", "normal", `--metrics-port=${workerPort}`, "-vv"],
      {
        env: {
          PATH: process.env.PATH ?? "",
          NO_COLOR: "1",
          LEADGEN_RETRY_DELAY_SCALE: String(TEST_RETRY_DELAY_SCALE),
          LEADGEN_LATENCY_MS: "1",
          LEADGEN_DISCOVERY_CRON: "off",
          ...workerEnv,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    worker.stdout?.setEncoding("utf8").on("data", (chunk: string) => (workerLog += chunk));
    worker.stderr?.setEncoding("utf8").on("data", (chunk: string) => (workerLog += chunk));
    const workerTarget = `127.0.0.1:${workerPort}`;
    prometheus = await startPrometheus([web, workerTarget]);
    // Both targets are up before any work: Prometheus scrapes while the worker runs.
    await waitFor(async () => (await prometheus!.query('sum(up{job="leadgen"})')) === 2, 30_000).catch(
      () => {},
    );

    await app.bus.dispatch(new AnalyzeLeadMessage(fixtures.failingInputs.invalidWebsiteLeadId));
    await app.bus.dispatch(new SendEmailMessage(fixtures.failingInputs.undeliverableOfferId));
    await app.bus.dispatch(new SyncAresDataMessage([fixtures.failingInputs.aresIco]));
    await app.bus.dispatch(new AnalyzeLeadMessage(fixtures.leads.ordinace));
    await app.bus.dispatch(new SendEmailMessage(fixtures.offers.kavarna));
    await app.bus.dispatch(new TakeScreenshotMessage(fixtures.leads.kavarna, "https://kavarna-u-mostu.cz/"));

    const worker_ = `instance="${workerTarget}"`;
    const expected = {
      'sum(up{job="leadgen"})': 2,
      // Dispatched and sent by the web process (the worker's analysis sends one more screenshot).
      [`sum(messenger_messages_sent_total{instance="${web}"})`]: 6,
      // The e-mail and the analysis.
      [`sum(messenger_messages_handled_total{${worker_}})`]: 2,
      // Invalid website and undeliverable address: one attempt each; the ARES sync: 1 + 3 retries.
      [`sum(messenger_messages_failed_total{${worker_}})`]: 6,
      [`sum(messenger_messages_retried_total{${worker_}})`]: 3,
      [`sum(messenger_messages_sent_to_failure_transport_total{${worker_},messenger_failure_transport="failed"})`]: 3,
      [`sum(messenger_messages_failed_total{${worker_},messenger_message_type="leadgen.sync_ares_data",messenger_transport="normal"})`]: 4,
      // The screenshot dispatched here and the one the analysis sent on (each process reads it; the
      // worker's every 15 s, the web process's every 200 ms here).
      'max(messenger_transport_messages{messenger_transport="low_priority"})': 2,
      'max(messenger_failure_transport_messages{messenger_transport="failed"})': 3,
    };
    const read = async () =>
      Object.fromEntries(
        await Promise.all(Object.keys(expected).map(async (q) => [q, await prometheus!.query(q)] as const)),
      );
    let seen: Record<string, number | undefined> = {};
    await waitFor(async () => {
      seen = await read();
      return Object.entries(expected).every(([q, v]) => seen[q] === v);
    }, 45_000).catch(() => {});
    const low = app.messenger.getTransport("low_priority");
    const waiting = isMessageCountAware(low) ? await low.getMessageCount() : undefined;
    return { expected, seen, waiting, workerLog: () => workerLog };
  } finally {
    await prometheus?.stop();
    if (worker && worker.exitCode === null) {
      const exited = once(worker, "exit");
      worker.kill("SIGTERM");
      await exited;
    }
    if (server) await new Promise((resolve) => server!.close(resolve));
    await app.close();
  }
}

function expectTheCounters(outcome: Awaited<ReturnType<typeof scrapeWhileWorking>>) {
  const { expected, seen, waiting, workerLog } = outcome;
  expect(waiting, "low_priority as the transport counts it").toBe(2);
  expect(seen, `what Prometheus has; the worker's output:\n${workerLog()}`).toEqual(expected);
}

describe.skipIf(!prometheusUp || !pgUp)("Prometheus scrapes /metrics: queues on PostgreSQL", () => {
  const schema = schemaFor("prometheus");
  afterAll(() => dropSchema(schema));

  it("reads the handled, failed and failure-transport counters and the queue-depth gauge", async () => {
    await dropSchema(schema);
    expectTheCounters(
      await scrapeWhileWorking(
        { env: {}, databaseUrl: PG_URL, databaseSchema: schema },
        { DATABASE_URL: PG_URL, LEADGEN_DB_SCHEMA: schema },
      ),
    );
  }, 120_000);
});

describe.skipIf(!prometheusUp || !redisUp || !pgUp)("Prometheus scrapes /metrics: queues on Redis", () => {
  const prefix = `leadgen-prometheus-${process.pid}:`;
  // The domain data on PostgreSQL, which the worker process shares; the queues on Redis.
  const schema = schemaFor("prometheus-redis");
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  afterAll(async () => {
    await dropSchema(schema);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("reads the handled, failed and failure-transport counters and the queue-depth gauge", async () => {
    await dropSchema(schema);
    const dsn = `redis://${REDIS.host}:${REDIS.port}?prefix=${prefix}`;
    expectTheCounters(
      await scrapeWhileWorking(
        { env: { MESSENGER_TRANSPORT_DSN: dsn }, databaseUrl: PG_URL, databaseSchema: schema },
        { DATABASE_URL: PG_URL, LEADGEN_DB_SCHEMA: schema, MESSENGER_TRANSPORT_DSN: dsn },
      ),
    );
  }, 120_000);
});
