import { Envelope, TransportMessageIdStamp } from "@messenger-ts/core";
import type pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type PostgresTransport, PostgresTransportFactory } from "../src/index.js";
import {
  adminPool,
  createTransport,
  dropSchema,
  dsn,
  eventually,
  factoryContext,
  type IdleWorker,
  Job,
  pgUp,
  schemaFor,
  startIdleWorker,
} from "./support/postgres.js";

const schema = schemaFor("idle_statements");
const admin = adminPool();
let running: IdleWorker | undefined;
const opened: PostgresTransport[] = [];

type Kind = "claim" | "carriedAcks" | "delete" | "due" | "other";

const noStatements = (): Record<Kind, number> => ({ claim: 0, carriedAcks: 0, delete: 0, due: 0, other: 0 });

/**
 * Counts the statements the transport's pool runs, by kind (the pool is the one all its statements
 * use), into `counts`.
 */
function countStatements(pool: pg.Pool, counts = noStatements()): Record<Kind, number> {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    const first = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof first === "string" ? first : (first.text ?? "");
    const acks = typeof first === "string" ? undefined : first.values?.[3];
    if (text.includes('_claim"(') && Array.isArray(acks)) counts.carriedAcks += acks.length;
    const kind: Kind = text.includes('_claim"(')
      ? "claim"
      : text.startsWith("DELETE")
        ? "delete"
        : text.includes('_due"(')
          ? "due"
          : "other";
    counts[kind]++;
    return query(...args);
  };
  return counts;
}

/**
 * Waits for messages up to 60 s (aborted then); true when the wait ended by itself, as a
 * notification or a due time ends it.
 */
async function waitEndedByItself(transport: PostgresTransport): Promise<boolean> {
  const waited = new AbortController();
  const timer = setTimeout(() => waited.abort(), 60_000);
  await transport.waitForMessages(60_000, waited.signal);
  clearTimeout(timer);
  return !waited.signal.aborted;
}

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await Promise.all(opened.splice(0).map((transport) => transport.close()));
});

afterAll(async () => {
  if (pgUp) await dropSchema(admin, schema);
  await admin.end();
});

describe.skipIf(!pgUp)("statements of an idle worker", () => {
  it("a message to an idle worker costs two statements: its claim, and the next claim carrying its ack", async () => {
    const counts = noStatements();
    running = await startIdleWorker({ schema, queue_name: "trickle" }, async (transport) => {
      await transport.setup();
      countStatements(transport.pool, counts);
    });
    const { transport, handledAt } = running;
    // The first wait has no claim made under LISTEN to go by: it LISTENs, then looks the due time up.
    expect(await eventually(() => counts.due === 1, 5_000)).toBe(true);
    const before = { ...counts };
    const messages = 10;
    for (let n = 1; n <= messages; n++) {
      const claims = counts.claim;
      await transport.send(Envelope.wrap(new Job(n)));
      expect(await eventually(() => handledAt.has(n), 5_000)).toBe(true);
      // Its claim, then the empty claim after it with its ack; the worker then waits again.
      expect(await eventually(() => counts.claim >= claims + 2, 5_000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(counts.due - before.due, "due-time lookups").toBe(0);
    expect(counts.claim - before.claim, "claims").toBe(2 * messages);
    expect(counts.delete - before.delete, "acks of their own").toBe(0);
    expect(counts.carriedAcks - before.carriedAcks, "acks carried by claims").toBe(messages);
    expect(await transport.getStoredMessageCount(), "every row acknowledged").toBe(0);
  });

  it("the claim reports the next due time only when it took nothing: a worker that took rows claims again first", async () => {
    const transport = createTransport({ schema, queue_name: "report" });
    opened.push(transport);
    await transport.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
    const claim = `SELECT id, wait_ms FROM "${schema}"."messenger_messages_claim"(ARRAY['report'], 30, 5, true)`;
    const took = (await admin.query(claim)).rows;
    expect(took.map((row: { id: string | null }) => row.id === null)).toEqual([false, false]);
    const empty = (await admin.query(claim)).rows;
    expect(empty).toHaveLength(1);
    expect(empty[0].id).toBeNull();
    // The two rows are claimed: due again when their claims expire, 30 s from now.
    expect(empty[0].wait_ms).toBeGreaterThan(25_000);
  });

  it("a message sent after the empty claim, before the wait began, ends the wait at once", async () => {
    const transport = createTransport({ schema, queue_name: "gap" });
    const producer = createTransport({ schema, queue_name: "gap" });
    opened.push(transport, producer);
    // A first wait puts the LISTEN in place; the claims after it are made under LISTEN.
    await transport.waitForMessages(500, new AbortController().signal);
    expect(await eventually(() => transport.get().then((got) => got.length === 0), 1_000)).toBe(true);
    const counts = countStatements(transport.pool);
    await producer.send(Envelope.wrap(new Job(1)));
    // The notification reaches the listener while nobody waits.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await waitEndedByItself(transport), "woken by the notification it was not subscribed for").toBe(
      true,
    );
    expect(counts.due, "answered without a due-time lookup").toBe(0);
    expect((await transport.get()).map((envelope) => (envelope.message as Job).n)).toEqual([1]);
  });

  it("a notification for another queue of the table does not end the wait; the claim's due time does", async () => {
    const transport = createTransport({ schema, queue_name: "mine" });
    const other = createTransport({ schema, queue_name: "theirs" });
    opened.push(transport, other);
    await transport.waitForMessages(500, new AbortController().signal);
    await transport.send(Envelope.wrap(new Job(1)));
    expect(await transport.get()).toHaveLength(1);
    // Nothing left: the claim tells "no rows" (the claimed one is due again only after 30 s).
    expect(await transport.get()).toHaveLength(0);
    const counts = countStatements(transport.pool);
    await other.send(Envelope.wrap(new Job(2)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const waited = new AbortController();
    const woke = transport.waitForMessages(60_000, waited.signal).then(() => "woke");
    const outcome = await Promise.race([
      woke,
      new Promise((resolve) => setTimeout(() => resolve("still waiting"), 500)),
    ]);
    waited.abort();
    await woke;
    expect(outcome).toBe("still waiting");
    expect(counts.due).toBe(0);
  });

  it("when the LISTEN connection broke since the claim, the wait ends at once; the next one looks the due time up", async () => {
    const transport = new PostgresTransportFactory().createTransport(
      dsn({ schema, queue_name: "broken" }),
      {},
      factoryContext(),
    );
    opened.push(transport);
    await transport.waitForMessages(500, new AbortController().signal);
    expect(await transport.get()).toHaveLength(0);
    const counts = countStatements(transport.pool);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()`,
      [`LISTEN "${schema}.messenger_messages"`],
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await waitEndedByItself(transport), "notifications may have been lost: woken to claim").toBe(true);
    expect(counts.due).toBe(0);
    // Claimed without a LISTEN in place: its report cannot stand in for the lookup after LISTEN.
    expect(await transport.get()).toHaveLength(0);
    const second = new AbortController();
    const woke = transport.waitForMessages(60_000, second.signal);
    expect(await eventually(() => counts.due === 1, 4_000), "looked the due time up after LISTEN").toBe(true);
    second.abort();
    await woke;
  });

  it("acks carried by a claim that fails are sent again on their own: the ack resolves and the row is gone", async () => {
    const transport = createTransport({ schema, queue_name: "carried" });
    opened.push(transport);
    await transport.sendMany([1, 2].map((n) => Envelope.wrap(new Job(n))));
    const [first] = await transport.get();
    expect(first).toBeDefined();
    const counts = countStatements(transport.pool);
    const claim = `"${schema}"."messenger_messages_claim"`;
    await admin.query(`ALTER FUNCTION ${claim} RENAME TO "messenger_messages_claim_away"`);
    let acked: Promise<void>;
    let claimed: Promise<unknown>;
    try {
      // In one turn, as a worker does: the ack, then the next claim, which carries it.
      acked = transport.ack(first!);
      claimed = transport.get().then(
        () => "claimed",
        (error: Error) => error.message,
      );
      expect(await claimed).toMatch(/could not receive messages/);
      await acked;
    } finally {
      await admin.query(
        `ALTER FUNCTION "${schema}"."messenger_messages_claim_away" RENAME TO "messenger_messages_claim"`,
      );
    }
    expect(counts.carriedAcks, "the claim carried the ack").toBe(1);
    expect(counts.delete, "then the ack's own DELETE").toBe(1);
    expect(await transport.find(first!.last(TransportMessageIdStamp)!.id)).toBeUndefined();
    expect(await transport.getStoredMessageCount()).toBe(1);
  });

  it("close() waits for acks a claim carries", async () => {
    const transport = createTransport({ schema, queue_name: "closing" });
    await transport.send(Envelope.wrap(new Job(1)));
    const [only] = await transport.get();
    const counts = countStatements(transport.pool);
    const acked = transport.ack(only!);
    const claimed = transport.get();
    await transport.close();
    await Promise.all([acked, claimed]);
    expect(counts.carriedAcks).toBe(1);
    const left = await admin.query(
      `SELECT count(*)::int AS n FROM "${schema}".messenger_messages WHERE queue_name = 'closing'`,
    );
    expect(left.rows[0].n).toBe(0);
  });
});
