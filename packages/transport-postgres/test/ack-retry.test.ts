import { Envelope, JsonSerializer, type Logger, nullLogger, TransportError } from "@messenger-ts/core";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { PostgresTransport } from "../src/index.js";
import { eventually, Job, PG, pgUp } from "./support/postgres.js";
import { postgresTestFile } from "./support/postgres-test-file.js";

const { admin, schema, tableName, track, table } = postgresTestFile("ack_retry");
/** This file's own connections, so that the kills below reach nobody else's. */
const applicationName = `mt_ack_retry_${process.pid}`;

function transport(redeliveryTimeout = 30_000, logger: Logger = nullLogger): PostgresTransport {
  return track(
    new PostgresTransport({
      connection: { ...PG, application_name: applicationName },
      serializer: new JsonSerializer(),
      schema,
      tableName: tableName(),
      redeliveryTimeout,
      logger,
    }),
  );
}

async function rowCount(t: PostgresTransport): Promise<number> {
  return (await admin.query(`SELECT count(*)::int AS n FROM ${table(t)}`)).rows[0].n;
}

/**
 * Holds a lock on every row of the table in an open transaction, so the transport's DELETE waits
 * on it: the ack is then surely in flight when its connection is killed.
 */
async function lockRows(t: PostgresTransport): Promise<pg.PoolClient> {
  const client = await admin.connect();
  await client.query("BEGIN");
  await client.query(`SELECT id FROM ${table(t)} FOR UPDATE`);
  return client;
}

/** Kills the transport's backends that wait for a lock: its DELETE in flight. Returns how many. */
async function killWaitingDeletes(): Promise<number> {
  const { rows } = await admin.query(
    `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
     WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE 'DELETE%'`,
    [applicationName],
  );
  return rows.filter((row) => row.killed).length;
}

describe.skipIf(!pgUp)("PostgresTransport acknowledgements on a killed connection", () => {
  it("retries a DELETE whose connection was killed: the rows are deleted once, ack() resolves", async () => {
    const t = transport();
    await t.sendMany([1, 2, 3].map((n) => Envelope.wrap(new Job(n))));
    const [first] = await t.get();
    await t.ack(first!); // the consumer's pace is measured: the next claim takes the rest
    const rest = await t.get();
    expect(rest).toHaveLength(2);
    const lock = await lockRows(t);
    const acked = Promise.all(rest.map((envelope) => t.ack(envelope)));
    let outcome: unknown;
    acked.then(
      () => (outcome = "resolved"),
      (error: unknown) => (outcome = error),
    );
    expect(await eventually(async () => (await killWaitingDeletes()) > 0, 5_000), "a DELETE was killed").toBe(
      true,
    );
    // The retry waits for the lock like the first try; nothing settled meanwhile.
    expect(
      await eventually(async () => (await killWaitingDeletes()) === 0 && outcome === undefined, 5_000),
    ).toBe(true);
    await lock.query("ROLLBACK");
    lock.release();
    await acked;
    expect(await rowCount(t)).toBe(0);
    // No duplicate: once the claims would have expired, there is nothing to claim again.
    await admin.query(`UPDATE ${table(t)} SET delivered_at = now() - interval '1 hour'`);
    expect(await t.get()).toEqual([]);
  });

  it("stops retrying when the claims may have expired: warns with the count, ack() rejects, the rows stay", async () => {
    const warnings: { context: Record<string, unknown>; message: string }[] = [];
    const logger: Logger = {
      ...nullLogger,
      warn: (context, message) => {
        warnings.push({ context, message });
      },
    };
    const t = transport(1_500, logger);
    await t.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
    const [first] = await t.get();
    await t.ack(first!);
    const [second] = await t.get();
    const lock = await lockRows(t);
    const acked = t.ack(second!).catch((error: unknown) => error);
    // Every try dies until the claim's deadline: the database stays unreachable for this ack.
    let settled = false;
    void acked.then(() => (settled = true));
    while (!settled) {
      await killWaitingDeletes();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await lock.query("ROLLBACK");
    lock.release();
    expect(await acked).toBeInstanceOf(TransportError);
    expect(await rowCount(t), "left for redelivery").toBe(1);
    expect(warnings).toEqual([
      {
        context: expect.objectContaining({ transport: 'transport "postgres"', count: 1 }),
        message:
          "Could not acknowledge 1 message(s) before their claims expired; they will be delivered again",
      },
    ]);
  });

  it("retries past claim time + timeout when a keepalive moved the claim's deadline", async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...nullLogger, warn: (_context, message) => void warnings.push(message) };
    const t = transport(1_000, logger);
    await t.send(Envelope.wrap(new Job(1)));
    const [claimed] = await t.get();
    await t.keepalive(claimed!, 60); // a long handler: its claim now holds for a minute
    const lock = await lockRows(t);
    const acked = t.ack(claimed!);
    let settled = false;
    acked.then(
      () => (settled = true),
      () => (settled = true),
    );
    // Killed for longer than the claim's first deadline (claim time + 1 s), but within the keepalive's.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      await killWaitingDeletes();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(settled, "still retrying").toBe(false);
    await lock.query("ROLLBACK");
    lock.release();
    await acked;
    expect(await rowCount(t)).toBe(0);
    expect(warnings).toEqual([]);
  });

  it("does not retry a failure that is not the connection's: an ack on a dropped table rejects at once", async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...nullLogger, warn: (_context, message) => void warnings.push(message) };
    const t = transport(30_000, logger);
    await t.send(Envelope.wrap(new Job(1)));
    const [claimed] = await t.get();
    await admin.query(`DROP TABLE ${table(t)}`);
    const error = await t.ack(claimed!).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/could not acknowledge messages.*does not exist/);
    expect(warnings, "no retry, so nothing expired").toEqual([]);
  });
});
