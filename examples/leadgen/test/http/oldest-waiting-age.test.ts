import { DelayStamp, isListableReceiver, type Transport } from "@messenger-ts/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLeadgenApp,
  type LeadgenApp,
  oldestWaitingAge,
  type PostgresDomainStore,
  SendEmailMessage,
} from "../../src/index.js";
import { dropSchema, PG_URL, pgUp, schemaFor } from "../support/postgres.js";
import { REDIS, redisUp } from "../support/redis.js";

/**
 * The age of the oldest waiting message, as `GET /health` reads it from each backend: the queue
 * table on PostgreSQL and SQLite (due and unclaimed rows, from `available_at`), the stream entry
 * ids on Redis.
 */
const MINUTE = 60_000;

async function empty(transport: Transport): Promise<void> {
  if (!isListableReceiver(transport)) throw new Error("cannot list");
  for (const envelope of await transport.all()) await transport.reject(envelope);
}

describe.skipIf(!pgUp)("PostgreSQL (doctrine://default): one query on the queue table", () => {
  const schema = schemaFor("oldest_waiting_age");
  let app: LeadgenApp;
  beforeAll(async () => {
    await dropSchema(schema);
    app = await createLeadgenApp({
      env: {},
      databaseUrl: PG_URL,
      databaseSchema: schema,
      scheduleStore: null,
    });
    await app.setup();
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });

  it("measures from available_at of the oldest due, unclaimed row; null when none waits", async () => {
    const high = app.messenger.getTransport("high_priority");
    const pool = (app.store as PostgresDomainStore).pool;
    const age = () => oldestWaitingAge(high, Date.now(), app.store);
    expect(await age()).toBeNull();

    await app.bus.dispatch(new SendEmailMessage(1));
    // As if it had waited ten minutes (the database's clock decides, not this process's).
    await pool.query(
      `UPDATE "${schema}".messenger_messages SET available_at = now() - interval '10 minutes'`,
    );
    const waited = await age();
    expect(waited).toBeGreaterThanOrEqual(10 * MINUTE);
    expect(waited).toBeLessThan(11 * MINUTE);

    // A retry waiting for its delay is not waiting for a worker yet; nor is a claimed message.
    await empty(high);
    await app.bus.dispatch(new SendEmailMessage(2), [new DelayStamp(10 * MINUTE)]);
    expect(await age()).toBeNull();
    await empty(high);
    await app.bus.dispatch(new SendEmailMessage(3));
    expect(await high.get()).toHaveLength(1);
    expect(await age()).toBeNull();
  });

  it("cannot tell without the domain store's connection (the queues in another database)", async () => {
    expect(await oldestWaitingAge(app.messenger.getTransport("normal"), Date.now())).toBeUndefined();
  });
});

describe("SQLite (the default): the same condition on the transport's own handle", () => {
  it("ignores a message until its delay is over, then measures from then on the given clock", async () => {
    const app = await createLeadgenApp({ env: {}, sqlitePath: ":memory:", scheduleStore: null });
    try {
      const high = app.messenger.getTransport("high_priority");
      await app.bus.dispatch(new SendEmailMessage(1), [new DelayStamp(MINUTE)]);
      expect(await oldestWaitingAge(high, Date.now())).toBeNull();
      // A minute and a half on, it has been due (waiting for a worker) for half a minute.
      const age = await oldestWaitingAge(high, Date.now() + 90_000);
      expect(age).toBeGreaterThanOrEqual(29_000);
      expect(age).toBeLessThan(35_000);
    } finally {
      await app.close();
    }
  });
});

describe.skipIf(!redisUp)("Redis: the oldest stream entry's id", () => {
  const prefix = `leadgen-age-test-${process.pid}:`;
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  let app: LeadgenApp;
  beforeAll(async () => {
    app = await createLeadgenApp({
      env: { MESSENGER_TRANSPORT_DSN: `redis://${REDIS.host}:${REDIS.port}?prefix=${prefix}` },
      sqlitePath: ":memory:",
      scheduleStore: null,
    });
    await app.setup();
  });
  afterAll(async () => {
    await app?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("is the time since the entry entered the stream; null for an empty stream or a delayed message", async () => {
    const high = app.messenger.getTransport("high_priority");
    expect(await oldestWaitingAge(high, Date.now())).toBeNull();
    await app.bus.dispatch(new SendEmailMessage(1), [new DelayStamp(MINUTE)]);
    expect(await oldestWaitingAge(high, Date.now())).toBeNull();
    await app.bus.dispatch(new SendEmailMessage(2));
    const age = await oldestWaitingAge(high, Date.now() + 400_000);
    expect(age).toBeGreaterThanOrEqual(399_000);
    expect(age).toBeLessThan(460_000);
  });
});
