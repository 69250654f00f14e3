import { MultiplierRetryStrategy } from "@messenger-ts/core";
import { RetryStrategyLocator } from "@messenger-ts/core/worker";
import { SymfonySerializer } from "@messenger-ts/symfony";
import { AmqpTransport } from "@messenger-ts/transport-amqp";
import { PostgresTransport } from "@messenger-ts/transport-postgres";
import { RedisTransport } from "@messenger-ts/transport-redis";
import { SqliteTransport } from "@messenger-ts/transport-sqlite";
import { afterEach, describe, expect, it } from "vitest";
import {
  createLeadgenApp,
  FAILURE_TRANSPORT,
  type LeadgenApp,
  leadgenMessengerConfig,
  PRIORITY_ORDER,
  QUEUES,
  RETRY_STRATEGIES,
  ROUTING,
  resolveLeadgenSettings,
  SCHEDULE_TRANSPORT,
} from "../../src/index.js";

const sqlite = resolveLeadgenSettings({ env: {}, sqlitePath: ":memory:" });

describe("the seed's messenger.yaml", () => {
  it("has the four transports on doctrine://default with the seed's queue names", () => {
    const config = leadgenMessengerConfig(sqlite);
    expect(config.failureTransport).toBe("failed");
    expect(config.transports).toEqual({
      high_priority: {
        dsn: "doctrine://default?queue_name=high",
        retryStrategy: { maxRetries: 3, delay: 1000, multiplier: 2 },
      },
      normal: {
        dsn: "doctrine://default?queue_name=normal",
        retryStrategy: { maxRetries: 3, delay: 5000, multiplier: 3 },
      },
      low_priority: {
        dsn: "doctrine://default?queue_name=low",
        retryStrategy: { maxRetries: 2, delay: 30000, multiplier: 2 },
      },
      failed: { dsn: "doctrine://default?queue_name=failed" },
    });
  });

  it("routes the seed's nine messages as its table does", () => {
    expect(ROUTING).toMatchObject({
      "leadgen.send_email": "high_priority",
      "leadgen.process_ses_webhook": "high_priority",
      "leadgen.analyze_lead": "normal",
      "leadgen.generate_proposal": "normal",
      "leadgen.generate_offer": "normal",
      "leadgen.sync_ares_data": "normal",
      "leadgen.discover_leads": "low_priority",
      "leadgen.take_screenshot": "low_priority",
      "leadgen.calculate_benchmarks": "low_priority",
    });
    expect(leadgenMessengerConfig(sqlite).routing).toBe(ROUTING);
  });

  it("names the queues, the failure transport and the development consume order", () => {
    expect(QUEUES).toEqual({
      high_priority: "high",
      normal: "normal",
      low_priority: "low",
      failed: "failed",
    });
    expect(FAILURE_TRANSPORT).toBe("failed");
    expect(PRIORITY_ORDER).toEqual(["high_priority", "normal", "low_priority"]);
  });

  it("gives the strategies the seed's waiting times: 1/2/4 s, 5/15/45 s, 30/60 s", () => {
    const waits = (transport: keyof typeof RETRY_STRATEGIES) => {
      const { maxRetries, delay, multiplier } = RETRY_STRATEGIES[transport];
      return Array.from({ length: maxRetries }, (_, retries) => delay * multiplier ** retries);
    };
    expect(waits("high_priority")).toEqual([1000, 2000, 4000]);
    expect(waits("normal")).toEqual([5000, 15000, 45000]);
    expect(waits("low_priority")).toEqual([30000, 60000]);
  });

  it("scales only the delays with retryDelayScale", () => {
    const config = leadgenMessengerConfig({ ...sqlite, retryDelayScale: 0.001 });
    expect(config.transports.high_priority).toMatchObject({
      retryStrategy: { maxRetries: 3, delay: 1, multiplier: 2 },
    });
    expect(config.transports.normal).toMatchObject({
      retryStrategy: { maxRetries: 3, delay: 5, multiplier: 3 },
    });
    expect(config.transports.low_priority).toMatchObject({
      retryStrategy: { maxRetries: 2, delay: 30, multiplier: 2 },
    });
  });

  it("points doctrine://default at the database: the SQLite file, or DATABASE_URL", () => {
    expect(leadgenMessengerConfig(sqlite).connections).toEqual({ default: "sqlite://:memory:" });
    const postgres = resolveLeadgenSettings({ env: { DATABASE_URL: "postgres://app:secret@db:5432/leads" } });
    expect(leadgenMessengerConfig(postgres).connections).toEqual({
      default: "postgres://app:secret@db:5432/leads",
    });
  });

  it("puts the PostgreSQL transports in the application's schema", () => {
    const settings = resolveLeadgenSettings({
      env: {},
      databaseUrl: "postgres://app@db/leads",
      databaseSchema: "leadgen",
    });
    expect(leadgenMessengerConfig(settings).transports.normal).toEqual({
      dsn: "doctrine://default?queue_name=normal",
      options: { schema: "leadgen" },
      retryStrategy: RETRY_STRATEGIES.normal,
    });
  });

  it("makes each queue a Redis stream when MESSENGER_TRANSPORT_DSN is redis://", () => {
    const settings = resolveLeadgenSettings({
      env: { MESSENGER_TRANSPORT_DSN: "redis://cache:6379?prefix=app:" },
    });
    const { transports } = leadgenMessengerConfig(settings);
    expect(transports.high_priority).toMatchObject({
      dsn: "redis://cache:6379?prefix=app:",
      options: { stream: "high" },
    });
    expect(transports.failed).toEqual({
      dsn: "redis://cache:6379?prefix=app:",
      options: { stream: "failed" },
    });
  });

  it("shares the PostgreSQL or Redis queues with Symfony under LEADGEN_SYMFONY, and refuses SQLite", () => {
    for (const env of [
      { DATABASE_URL: "postgres://app@db/leads", LEADGEN_SYMFONY: "1" },
      { MESSENGER_TRANSPORT_DSN: "redis://cache:6379", LEADGEN_SYMFONY: "1" },
    ]) {
      const { transports } = leadgenMessengerConfig(resolveLeadgenSettings({ env }));
      for (const name of ["high_priority", "normal", "low_priority", "failed"] as const) {
        expect(transports[name]).toMatchObject({ options: { symfony: true } });
        expect((transports[name] as { serializer?: unknown }).serializer).toBeInstanceOf(SymfonySerializer);
      }
    }
    expect(() => leadgenMessengerConfig({ ...sqlite, symfony: true })).toThrow(
      expect.objectContaining({ code: "INVALID_LEADGEN_OPTION", message: expect.stringContaining("SQLite") }),
    );
  });

  it("makes each queue an exchange and a queue of RabbitMQ when MESSENGER_TRANSPORT_DSN is amqp://", () => {
    const dsn = "amqp://guest:guest@rabbit:5672/%2f/messages";
    const { transports } = leadgenMessengerConfig(
      resolveLeadgenSettings({ env: { MESSENGER_TRANSPORT_DSN: dsn } }),
    );
    expect(transports.high_priority).toMatchObject({
      dsn,
      options: { exchange: { name: "messages.high" }, queues: { "messages.high": {} } },
    });
    expect(transports.failed).toEqual({
      dsn,
      options: { exchange: { name: "messages.failed" }, queues: { "messages.failed": {} } },
    });
  });

  it("keeps a DSN's other query parameters and its password when it adds queue_name", () => {
    const settings = resolveLeadgenSettings({
      env: { MESSENGER_TRANSPORT_DSN: "postgres://app:p%3Fss@db/leads?redeliver_timeout=60" },
      databaseUrl: "postgres://app:p%3Fss@db/leads",
    });
    expect(leadgenMessengerConfig(settings).transports.low_priority).toMatchObject({
      dsn: "postgres://app:p%3Fss@db/leads?redeliver_timeout=60&queue_name=low",
    });
  });
});

describe("the messenger the application builds", () => {
  let app: LeadgenApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("on SQLite: SQLite transports on the one file, the failure transport, the schedule's transport", async () => {
    app = await createLeadgenApp({ env: {}, sqlitePath: ":memory:", scheduleStore: null });
    const { messenger } = app;
    expect(messenger.transportNames.sort()).toEqual(
      ["failed", "high_priority", "low_priority", "normal", SCHEDULE_TRANSPORT].sort(),
    );
    for (const [transport, queue] of Object.entries(QUEUES)) {
      const sqliteTransport = messenger.getTransport(transport);
      expect(sqliteTransport).toBeInstanceOf(SqliteTransport);
      expect((sqliteTransport as SqliteTransport).queueName).toBe(queue);
    }
    expect(messenger.failureTransportName).toBe("failed");
    for (const transport of PRIORITY_ORDER)
      expect(messenger.getFailureTransportName(transport)).toBe("failed");
  });

  it("builds each transport's retry strategy from the seed's numbers", async () => {
    app = await createLeadgenApp({ env: {}, sqlitePath: ":memory:", scheduleStore: null });
    const locator = new RetryStrategyLocator(app.messenger);
    for (const transport of PRIORITY_ORDER) {
      const strategy = locator.get(transport) as MultiplierRetryStrategy;
      expect(strategy).toBeInstanceOf(MultiplierRetryStrategy);
      expect({
        maxRetries: strategy.maxRetries,
        delay: strategy.delay,
        multiplier: strategy.multiplier,
      }).toEqual(RETRY_STRATEGIES[transport]);
    }
  });

  it("on PostgreSQL: PostgreSQL transports in the schema, nothing connected yet", async () => {
    app = await createLeadgenApp({
      env: {},
      databaseUrl: "postgres://nobody@127.0.0.1:1/none",
      databaseSchema: "leadgen_config",
      scheduleStore: null,
      autoSetup: false,
    });
    const transport = app.messenger.getTransport("high_priority") as PostgresTransport;
    expect(transport).toBeInstanceOf(PostgresTransport);
    expect(transport.queueName).toBe("high");
    expect(transport.schema).toBe("leadgen_config");
  });

  it("on Redis: one stream per queue", async () => {
    app = await createLeadgenApp({
      env: {},
      sqlitePath: ":memory:",
      transportDsn: "redis://127.0.0.1:1",
      scheduleStore: null,
    });
    const streams = Object.keys(QUEUES).map(
      (name) => (app!.messenger.getTransport(name) as RedisTransport).stream,
    );
    expect(app.messenger.getTransport("normal")).toBeInstanceOf(RedisTransport);
    expect(streams).toEqual(["high", "normal", "low", "failed"]);
  });

  it("on RabbitMQ: an exchange and a queue per transport", async () => {
    app = await createLeadgenApp({
      env: {},
      sqlitePath: ":memory:",
      transportDsn: "amqp://127.0.0.1:1/%2f/leadgen",
      scheduleStore: null,
    });
    const transports = Object.keys(QUEUES).map((name) => app!.messenger.getTransport(name) as AmqpTransport);
    expect(transports[0]).toBeInstanceOf(AmqpTransport);
    expect(transports.map((t) => [t.exchange, t.queueNames])).toEqual(
      ["high", "normal", "low", "failed"].map((q) => [`leadgen.${q}`, [`leadgen.${q}`]]),
    );
  });
});
