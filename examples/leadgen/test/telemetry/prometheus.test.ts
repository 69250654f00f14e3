import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isMessageCountAware } from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
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
import { consume } from "../support/consume.js";
import { TEST_RETRY_DELAY_SCALE } from "../support/pg-app.js";
import { dropSchema, PG_URL, pgUp, schemaFor } from "../support/postgres.js";
import {
  type PrometheusServer,
  prometheusAvailable,
  startPrometheus,
  waitFor,
} from "../support/prometheus.js";

const REDIS = { host: process.env.REDIS_HOST ?? "127.0.0.1", port: Number(process.env.REDIS_PORT ?? 6379) };
const redisUp = await requireService("Redis", REDIS);
const prometheusUp = prometheusAvailable();

/**
 * A real Prometheus server (Debian's package, started here on a free loopback port with a config
 * and storage of this test) scrapes the `/metrics` of `app:serve`'s server every second while a
 * worker of the same application handles messages, retries and fails them (the seed's failure
 * inputs), then the test reads the counters and gauges back through Prometheus's HTTP API.
 */
async function scrapeWhileWorking(options: LeadgenOptions) {
  const app = await createLeadgenApp({
    retryDelayScale: TEST_RETRY_DELAY_SCALE,
    latencyMs: 1,
    scheduleStore: null,
    // Short, so the queue-depth gauge follows the test within seconds (default 15 s).
    metricsCountCacheTtl: 200,
    ...options,
  });
  let server: Server | undefined;
  let prometheus: PrometheusServer | undefined;
  try {
    await app.setup();
    server = createLeadgenServer(app);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    prometheus = await startPrometheus([`127.0.0.1:${port}`]);
    // Prometheus scrapes while the worker runs.
    await waitFor(async () => (await prometheus!.query('up{job="leadgen"}')) === 1, 20_000);

    const fixtures = await loadFixtures(app);
    await app.bus.dispatch(new AnalyzeLeadMessage(fixtures.failingInputs.invalidWebsiteLeadId));
    await app.bus.dispatch(new SendEmailMessage(fixtures.failingInputs.undeliverableOfferId));
    await app.bus.dispatch(new SyncAresDataMessage([fixtures.failingInputs.aresIco]));
    await app.bus.dispatch(new AnalyzeLeadMessage(fixtures.leads.ordinace));
    await app.bus.dispatch(new SendEmailMessage(fixtures.offers.kavarna));
    await app.bus.dispatch(new TakeScreenshotMessage(fixtures.leads.kavarna, "https://kavarna-u-mostu.cz/"));
    // low_priority is not consumed: its screenshots stay queued, for the queue-depth gauge.
    const run = await consume(app.messenger, ["high_priority", "normal"], {
      until: (c) => c.gaveUp === 3 && c.handled.length === 2,
      timeoutMs: 20_000,
    });
    const low = app.messenger.getTransport("low_priority");
    if (!isMessageCountAware(low)) throw new Error("low_priority cannot count");
    const waiting = await low.getMessageCount();

    const expected = {
      "sum(messenger_messages_handled_total)": run.handled.length,
      "sum(messenger_messages_failed_total)": run.failed.length,
      'sum(messenger_messages_sent_to_failure_transport_total{messenger_failure_transport="failed"})': 3,
      'messenger_transport_messages{messenger_transport="low_priority"}': waiting,
      'messenger_failure_transport_messages{messenger_transport="failed"}': 3,
    };
    const read = async () =>
      Object.fromEntries(
        await Promise.all(Object.keys(expected).map(async (q) => [q, await prometheus!.query(q)] as const)),
      );
    let seen: Record<string, number | undefined> = {};
    await waitFor(async () => {
      seen = await read();
      return Object.entries(expected).every(([q, v]) => seen[q] === v);
    }, 30_000).catch(() => {});
    const byType = await prometheus.query(
      'sum(messenger_messages_failed_total{messenger_message_type="leadgen.sync_ares_data",messenger_transport="normal"})',
    );
    return { run, waiting, expected, seen, byType };
  } finally {
    await prometheus?.stop();
    if (server) await new Promise((resolve) => server!.close(resolve));
    await app.close();
  }
}

function expectTheCounters(outcome: Awaited<ReturnType<typeof scrapeWhileWorking>>) {
  const { run, waiting, expected, seen, byType } = outcome;
  expect(run.handled.length).toBe(2);
  // The three failure inputs: one attempt each for two, 1 + 3 retries for the ARES sync.
  expect(run.failed.length).toBe(6);
  expect(waiting).toBeGreaterThan(0);
  expect(seen).toEqual(expected);
  expect(byType).toBe(4);
}

describe.skipIf(!prometheusUp || !pgUp)("Prometheus scrapes /metrics: queues on PostgreSQL", () => {
  const schema = schemaFor("prometheus");
  afterAll(() => dropSchema(schema));

  it("reads the handled, failed and failure-transport counters and the queue-depth gauge", async () => {
    await dropSchema(schema);
    expectTheCounters(await scrapeWhileWorking({ env: {}, databaseUrl: PG_URL, databaseSchema: schema }));
  }, 120_000);
});

describe.skipIf(!prometheusUp || !redisUp)("Prometheus scrapes /metrics: queues on Redis", () => {
  const prefix = `leadgen-prometheus-${process.pid}:`;
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("reads the handled, failed and failure-transport counters and the queue-depth gauge", async () => {
    expectTheCounters(
      await scrapeWhileWorking({
        env: { MESSENGER_TRANSPORT_DSN: `redis://${REDIS.host}:${REDIS.port}?prefix=${prefix}` },
        sqlitePath: ":memory:",
      }),
    );
  }, 120_000);
});
