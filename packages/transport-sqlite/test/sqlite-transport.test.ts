import { existsSync, writeFileSync } from "node:fs";
import {
  DelayStamp,
  DeliveryLimitExceededStamp,
  Envelope,
  InvalidArgumentError,
  JsonSerializer,
  LogicError,
  MessageDecodingFailedStamp,
  TransportError,
  TransportMessageIdStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { DEFAULT_DELIVERY_LIMIT } from "@messenger-ts/core/transport";
import { describe, expect, it } from "vitest";
import { SqliteReceivedStamp, SqliteTransport } from "../src/index.js";
import { AUTO_DRIVER, openDatabase, raw } from "./support/drivers.js";
import { Job } from "./support/messages.js";
import { useTempDir } from "./support/temp-dir.js";

const temp = useTempDir();
let files = 0;

/** A transport on a file of its own. */
function transportOn(options: Partial<ConstructorParameters<typeof SqliteTransport>[0]> = {}) {
  return new SqliteTransport({ path: temp(`transport-${++files}.sqlite`), ...options });
}

const jobs = (...ns: number[]) => ns.map((n) => Envelope.wrap(new Job(n)));
const numbers = (envelopes: readonly Envelope[]) => envelopes.map((e) => (e.message as Job).n);

describe("SqliteTransport: claiming", () => {
  it("claims one message at first, and up to ten once messages are finished quickly, oldest first", async () => {
    const transport = transportOn();
    await transport.sendMany(jobs(...Array.from({ length: 40 }, (_, i) => i + 1)));
    const sizes: number[] = [];
    const received: number[] = [];
    for (let batch = await transport.get(); batch.length > 0; batch = await transport.get()) {
      sizes.push(batch.length);
      received.push(...numbers(batch));
      await Promise.all(batch.map((envelope) => transport.ack(envelope)));
    }
    expect(received).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(sizes[0]).toBe(1);
    expect(Math.max(...sizes)).toBe(10);
    await transport.close();
  });

  it("reads only its own queue of a shared table, and several queues with getFromQueues", async () => {
    const path = temp("queues.sqlite");
    const clock = new FakeClock();
    const [a, b, c] = ["a", "b", "c"].map((queueName) => new SqliteTransport({ path, queueName, clock }));
    await a!.send(jobs(1)[0]!);
    await clock.advance(1);
    await b!.send(jobs(2)[0]!);
    await clock.advance(1);
    await c!.send(jobs(3)[0]!);
    await clock.advance(1);
    await b!.send(jobs(4)[0]!);
    expect(await a!.getMessageCount()).toBe(1);
    expect(numbers(await c!.getFromQueues(["c", "b", "b"]))).toEqual([2]);
    const rest = [...(await c!.getFromQueues(["b", "c"])), ...(await c!.getFromQueues(["b", "c"]))];
    expect(numbers(rest)).toEqual([3, 4]);
    expect(rest.map((e) => e.last(SqliteReceivedStamp)?.queueName)).toEqual(["c", "b"]);
    expect(numbers(await a!.get())).toEqual([1]);
    await expect(a!.getFromQueues([])).rejects.toThrowError(InvalidArgumentError);
    await expect(a!.getFromQueues(["bad queue"])).rejects.toThrowError(/Invalid value "bad queue"/);
    for (const t of [a, b, c]) await t!.close();
  });

  it("counts what a get() could claim now: not delayed, not claimed, expired claims included", async () => {
    const clock = new FakeClock();
    const transport = transportOn({ clock, redeliveryTimeout: 10_000 });
    await transport.sendMany([...jobs(1, 2), Envelope.wrap(new Job(3), [new DelayStamp(5_000)])]);
    expect(await transport.getMessageCount()).toBe(2);
    await transport.get();
    expect(await transport.getMessageCount()).toBe(1);
    await clock.advance(5_000);
    expect(await transport.getMessageCount()).toBe(2);
    await clock.advance(5_001);
    expect(await transport.getMessageCount()).toBe(3);
    await transport.close();
  });

  it("treats a file locked by another process as an empty round, and waits for it to send", async () => {
    const transport = transportOn();
    await transport.send(jobs(1)[0]!);
    const other = raw(openDatabase(transport.path!));
    other.exec("BEGIN IMMEDIATE");
    const started = Date.now();
    expect(await transport.get()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(3_000);
    // The send waits for the lock without freezing the event loop: the timer releasing it runs.
    let released = false;
    setTimeout(() => {
      released = true;
      other.exec("COMMIT");
    }, 300);
    const sent = await transport.send(jobs(2)[0]!);
    expect(released).toBe(true);
    expect(sent.last(TransportMessageIdStamp)?.id).toBe(2);
    expect(numbers(await transport.get())).toEqual([1]);
    other.close();
    await transport.close();
  });
});

describe("SqliteTransport: acknowledging and keepalive", () => {
  it("removes messages acknowledged together, by the row id this transport gave", async () => {
    const transport = transportOn();
    await transport.sendMany(jobs(1, 2, 3));
    const received = [...(await transport.get()), ...(await transport.get()), ...(await transport.get())];
    // An id stamp from another transport, added later, must not redirect the acknowledgement.
    await Promise.all([
      transport.ack(received[0]!.with(new TransportMessageIdStamp(999))),
      transport.reject(received[1]!),
      transport.ack(received[2]!),
    ]);
    expect(await transport.all()).toEqual([]);
    await expect(transport.ack(Envelope.wrap(new Job(9)))).rejects.toThrowError(LogicError);
    await transport.close();
  });

  it("keepalive refreshes every message this transport handed out, not only the one named", async () => {
    const clock = new FakeClock();
    const transport = transportOn({ clock, redeliveryTimeout: 10_000 });
    await transport.sendMany(jobs(1, 2, 3, 4));
    // Messages finished quickly make the next claim a batch.
    for (const envelope of [...(await transport.get()), ...(await transport.get())])
      await transport.ack(envelope);
    const batch = await transport.get();
    expect(batch.length).toBeGreaterThan(1);
    await clock.advance(6_000);
    await transport.keepalive(batch[0]!);
    await clock.advance(6_000);
    // 12 s after the claim, 6 s after the keepalive: the waiting ones are still claimed too.
    expect(await transport.get()).toEqual([]);
    await clock.advance(4_001);
    expect(numbers(await transport.get()).sort()).toEqual(numbers(batch).sort());
    await expect(transport.keepalive(batch[0]!, 11)).rejects.toThrowError(
      /at most its redeliver_timeout \(10 s\)/,
    );
    await transport.keepalive(batch[0]!, 10);
    await transport.close();
  });

  it("states its redelivery timeout in milliseconds for the worker's keepalive timer", () => {
    expect(transportOn({ redeliveryTimeout: 2_500 }).redeliveryTimeout).toBe(2_500);
    expect(transportOn().redeliveryTimeout).toBe(30_000);
  });
});

describe("SqliteTransport: delivery limit", () => {
  it("allows DEFAULT_DELIVERY_LIMIT deliveries unless told otherwise, and refuses a limit below 1", () => {
    expect(transportOn().deliveryLimit).toBe(DEFAULT_DELIVERY_LIMIT);
    expect(transportOn({ deliveryLimit: 1 }).deliveryLimit).toBe(1);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      expect(() => transportOn({ deliveryLimit: limit }), String(limit)).toThrowError(
        new RegExp(`Invalid value ${String(limit)} for option "deliveryLimit" .*whole number from 1 to`),
      );
    }
  });

  it("keeps the count in the file: a transport opened afresh (a restarted worker) goes on counting", async () => {
    const clock = new FakeClock();
    const first = transportOn({ clock, redeliveryTimeout: 10_000, deliveryLimit: 1 });
    const [sent] = await first.sendMany(jobs(1));
    const [claimed] = await first.get();
    expect(claimed!.has(DeliveryLimitExceededStamp)).toBe(false);
    // The worker dies with the message in its handler; listing it counts nothing.
    await first.close();
    const second = new SqliteTransport({
      path: first.path!,
      clock,
      redeliveryTimeout: 10_000,
      deliveryLimit: 1,
    });
    expect(numbers(await second.all())).toEqual([1]);
    await second.find(sent!.last(TransportMessageIdStamp)!.id);
    await clock.advance(10_001);
    const [again] = await second.get();
    expect(again!.last(TransportMessageIdStamp)?.id).toBe(sent!.last(TransportMessageIdStamp)?.id);
    expect(again!.last(DeliveryLimitExceededStamp)).toEqual(new DeliveryLimitExceededStamp(2, 1));
    expect(raw(second.database).prepare("SELECT delivery_count FROM messenger_messages").all()).toEqual([
      { delivery_count: 2 },
    ]);
    // Never stored: the stamp is not in the row's headers.
    expect(
      String(
        (raw(second.database).prepare("SELECT headers FROM messenger_messages").get() as { headers: string })
          .headers,
      ),
    ).not.toContain("DeliveryLimit");
    await second.close();
  });

  it("counts one delivery per claim even for messages claimed together, and a second release takes nothing back", async () => {
    const clock = new FakeClock();
    const transport = transportOn({ clock, redeliveryTimeout: 10_000 });
    await transport.sendMany(jobs(1, 2));
    // Two quick acks make the next claim a batch; send two more for it.
    for (const envelope of [...(await transport.get()), ...(await transport.get())])
      await transport.ack(envelope);
    await transport.sendMany(jobs(3, 4));
    const batch = await transport.get();
    expect(numbers(batch).sort()).toEqual([3, 4]);
    await transport.release(batch);
    await transport.release(batch);
    const counts = () =>
      raw(transport.database).prepare("SELECT delivery_count FROM messenger_messages ORDER BY id").all();
    expect(counts()).toEqual([{ delivery_count: 0 }, { delivery_count: 0 }]);
    await transport.get();
    expect(counts()).toEqual([{ delivery_count: 1 }, { delivery_count: 1 }]);
    await transport.close();
  });
});

describe("SqliteTransport: listing and decoding", () => {
  it("lists every stored message of its queue in send order, delayed and claimed ones too", async () => {
    const transport = transportOn();
    const sent = await transport.sendMany([
      Envelope.wrap(new Job(1), [new DelayStamp(60_000)]),
      ...jobs(2, 3),
    ]);
    await transport.get();
    expect(numbers(await transport.all())).toEqual([1, 2, 3]);
    expect(numbers(await transport.all(2))).toEqual([1, 2]);
    await expect(transport.all(-1)).rejects.toThrowError(InvalidArgumentError);
    const id = sent[2]!.last(TransportMessageIdStamp)!.id;
    const found = await transport.find(String(id));
    expect(found?.message).toEqual(new Job(3));
    expect(found?.last(SqliteReceivedStamp)?.id).toBe(id);
    expect(await transport.find("nope")).toBeUndefined();
    expect(await transport.find(12345)).toBeUndefined();
    const otherQueue = new SqliteTransport({ path: transport.path!, queueName: "other" });
    expect(await otherQueue.find(id)).toBeUndefined();
    await otherQueue.close();
    await transport.close();
  });

  it("hands out broken rows as UndecodableMessage with their raw body, never as an error", async () => {
    const transport = transportOn();
    await transport.setup();
    const insert = raw(transport.database).prepare(
      "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at) VALUES (?, ?, 'default', 0, 0)",
    );
    const header = JSON.stringify({ type: "sqlite_test.job" });
    insert.run("{cut", header);
    insert.run('{"n":1}', "not json");
    insert.run('{"n":2}', "[1,2]");
    insert.run('{"n":3}', '{"type":"sqlite_test.job","__proto__":{"polluted":"yes"},"X-Other":7}');
    insert.run(Buffer.from('{"n":4}'), header);
    insert.run('{"n":5}', header);
    const received = [];
    for (let batch = await transport.get(); batch.length > 0; batch = await transport.get())
      received.push(...batch);
    expect(received).toHaveLength(6);
    const broken = received.filter((e) => e.message instanceof UndecodableMessage);
    expect(broken.map((e) => (e.message as UndecodableMessage).body)).toEqual(["{cut", '{"n":1}', '{"n":2}']);
    expect((broken[1]!.message as UndecodableMessage).reason).toMatch(/headers column is not JSON/);
    expect((broken[2]!.message as UndecodableMessage).reason).toMatch(/not a JSON object/);
    for (const envelope of broken) expect(envelope.has(MessageDecodingFailedStamp)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A "__proto__" header is a plain key the decoder ignores, not a prototype.
    expect(numbers(received.filter((e) => e.message instanceof Job))).toEqual([3, 4, 5]);
    await transport.close();
  });
});

describe("SqliteTransport: time columns written by hand", () => {
  it("claims rows whose available_at is text or a blob as undecodable, and counts them; a bad delivered_at is no claim", async () => {
    const transport = transportOn();
    await transport.setup();
    const db = raw(transport.database);
    const header = JSON.stringify({ type: "sqlite_test.job" });
    const insert = db.prepare(
      "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at, delivered_at) VALUES (?, ?, 'default', 0, ?, ?)",
    );
    insert.run('{"n":1}', header, "tomorrow", null);
    insert.run('{"n":2}', header, Buffer.from("x"), null);
    insert.run('{"n":3}', header, 0, "yesterday");
    insert.run('{"n":4}', header, 0, null);
    expect(await transport.getMessageCount()).toBe(4);

    const received = [];
    for (let batch = await transport.get(); batch.length > 0; batch = await transport.get())
      received.push(...batch);

    const broken = received.filter((e) => e.message instanceof UndecodableMessage);
    expect(broken.map((e) => (e.message as UndecodableMessage).body)).toEqual(['{"n":1}', '{"n":2}']);
    expect(broken.map((e) => (e.message as UndecodableMessage).reason)).toEqual([
      'Could not decode message: the available_at column holds the text "tomorrow", not a time in milliseconds.',
      "Could not decode message: the available_at column holds a 1-byte blob, not a time in milliseconds.",
    ]);
    for (const envelope of broken) expect(envelope.has(MessageDecodingFailedStamp)).toBe(true);
    expect(numbers(received.filter((e) => e.message instanceof Job))).toEqual([3, 4]);
    // Claimed once: nothing is handed out twice, and rejecting them empties the queue.
    expect(await transport.getMessageCount()).toBe(0);
    for (const envelope of received) await transport.reject(envelope);
    expect(db.prepare("SELECT COUNT(*) AS n FROM messenger_messages").get()).toEqual({ n: 0 });
    await transport.close();
  });
});

describe("SqliteTransport: setup and errors", () => {
  it("sets up WAL, the table and its version once, and again when the table was dropped", async () => {
    const transport = transportOn();
    await Promise.all([transport.setup(), transport.setup()]);
    const db = raw(transport.database);
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.prepare("SELECT name, value FROM messenger_messages_meta").all()).toEqual([
      { name: "schema_version", value: 4 },
    ]);
    db.exec("DROP TABLE messenger_messages");
    await transport.send(jobs(1)[0]!);
    expect(await transport.getMessageCount()).toBe(1);
    await transport.close();
  });

  it("migrates a version 1 table in setup(): its rows and claims stay, their deliveries count from 0", async () => {
    const clock = new FakeClock();
    const path = temp("version-1.sqlite");
    const db = raw(openDatabase(path));
    // The schema as version 1 created it, kept here verbatim: the migration must take this one up.
    db.exec(`CREATE TABLE messenger_messages_meta (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE messenger_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, headers TEXT NOT NULL,
        queue_name TEXT NOT NULL, created_at INTEGER NOT NULL, available_at INTEGER NOT NULL, delivered_at INTEGER);
      CREATE INDEX messenger_messages_queue_available_idx ON messenger_messages (queue_name, available_at, delivered_at);
      INSERT INTO messenger_messages_meta (name, value) VALUES ('schema_version', 1);`);
    const insert = db.prepare(
      "INSERT INTO messenger_messages (body, headers, queue_name, created_at, available_at, delivered_at) VALUES (?, ?, 'default', ?, ?, ?)",
    );
    const serializer = new JsonSerializer();
    const now = clock.now();
    for (const [n, deliveredAt] of [
      [1, null],
      [2, now],
    ] as const) {
      const encoded = serializer.encode(Envelope.wrap(new Job(n)));
      insert.run(encoded.body, JSON.stringify(encoded.headers), now, now, deliveredAt);
    }
    db.close();

    const transport = new SqliteTransport({ path, clock, redeliveryTimeout: 10_000, deliveryLimit: 1 });
    await transport.setup();
    const handle = raw(transport.database);
    expect(
      handle.prepare("SELECT value FROM messenger_messages_meta WHERE name = 'schema_version'").get(),
    ).toEqual({
      value: 4,
    });
    expect(
      handle.prepare("SELECT id, delivered_at, delivery_count FROM messenger_messages ORDER BY id").all(),
    ).toEqual([
      { id: 1, delivered_at: null, delivery_count: 0 },
      { id: 2, delivered_at: now, delivery_count: 0 },
    ]);
    // The unclaimed row comes first; the one claimed before the upgrade stays claimed until it expires.
    const [first, ...none] = await transport.get();
    expect(numbers([first!])).toEqual([1]);
    expect(none).toEqual([]);
    expect(first!.has(DeliveryLimitExceededStamp)).toBe(false);
    await transport.ack(first!);
    await clock.advance(10_001);
    const [second] = await transport.get();
    expect(numbers([second!])).toEqual([2]);
    expect(second!.has(DeliveryLimitExceededStamp), "a delivery before the upgrade was not counted").toBe(
      false,
    );
    // Version 3: the claim index leads with the priority; the deduplication index is there.
    // Version 4: the partial index of rows whose available_at is text.
    expect(
      handle
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messenger_messages' ORDER BY name",
        )
        .all(),
    ).toEqual([
      { name: "messenger_messages_claim_idx" },
      { name: "messenger_messages_deduplication_idx" },
      { name: "messenger_messages_text_due_idx" },
    ]);
    // Setting up again finds the current version and changes nothing.
    await transport.setup();
    expect(handle.prepare("SELECT delivery_count FROM messenger_messages").all()).toEqual([
      { delivery_count: 1 },
    ]);
    await transport.close();
  });

  it("refuses a table of a newer schema version, and a foreign table of the same name", async () => {
    const transport = transportOn();
    await transport.setup();
    raw(transport.database).exec(
      "UPDATE messenger_messages_meta SET value = 99 WHERE name = 'schema_version'",
    );
    const newer = new SqliteTransport({ path: transport.path! });
    await expect(newer.send(jobs(1)[0]!)).rejects.toMatchObject({
      code: "SCHEMA_TOO_NEW",
      message: expect.stringMatching(/schema version 99.*up to 4/),
    });
    raw(transport.database).exec("CREATE TABLE legacy (id INTEGER PRIMARY KEY, payload TEXT)");
    const foreign = new SqliteTransport({ path: transport.path!, tableName: "legacy" });
    await expect(foreign.setup()).rejects.toMatchObject({ code: "INCOMPATIBLE_TABLE" });
    for (const t of [transport, newer, foreign]) await t.close();
  });

  it("wraps driver errors in a TransportError naming the operation, with the driver error as cause", async () => {
    const transport = transportOn({ name: "async" });
    await transport.setup();
    raw(transport.database).exec(
      "CREATE TRIGGER no_inserts BEFORE INSERT ON messenger_messages BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    );
    const error = await transport.send(jobs(1)[0]!).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/SQLite transport "async" .* could not send: disk says no/);
    // Each driver's own error: better-sqlite3 names the code, node:sqlite gives its number.
    expect((error as TransportError).cause).toMatchObject(
      AUTO_DRIVER === "better-sqlite3" ? { code: "SQLITE_CONSTRAINT_TRIGGER" } : { errcode: 1811 },
    );
    const unopenable = new SqliteTransport({ path: `${temp("not-a-dir.txt")}/x/app.sqlite` });
    writeFileSync(temp("not-a-dir.txt"), "a file, not a directory");
    await expect(unopenable.get()).rejects.toThrowError(/could not open the database/);
    await transport.close();
  });
});

describe("SqliteTransport: handles, restart signal", () => {
  it("shares one handle per file in a process, closed with its last user; never closes a given one", async () => {
    const a = transportOn();
    const b = new SqliteTransport({ path: a.path!, queueName: "b" });
    const db = a.database;
    expect(b.database).toBe(db);
    await a.close();
    expect(raw(db).open).toBe(true);
    await b.send(jobs(1)[0]!);
    await b.close();
    expect(raw(db).open).toBe(false);
    const own = openDatabase(temp("own.sqlite"));
    const given = new SqliteTransport({ database: own });
    await given.send(jobs(2)[0]!);
    await given.close();
    expect(raw(own).open).toBe(true);
    raw(own).close();
    expect(() => new SqliteTransport({ path: temp("x.sqlite"), database: own })).toThrowError(
      /exactly one of/,
    );
  });

  it("keeps the restart signal in the file, for every process that opens it", async () => {
    const transport = transportOn();
    expect(await transport.getRestartRequestedAt()).toBeNull();
    await transport.requestRestart(1_700_000_000_000);
    await transport.requestRestart(1_700_000_000_500);
    const elsewhere = openDatabase(transport.path!);
    const reader = new SqliteTransport({ database: elsewhere });
    expect(await reader.getRestartRequestedAt()).toBe(1_700_000_000_500);
    raw(elsewhere).close();
    await transport.close();
  });
});

describe("SqliteTransport: idle waiting", () => {
  it("wakes at once for a send from this process (the fake clock rules out polling)", async () => {
    const clock = new FakeClock();
    const waiting = transportOn({ clock });
    const sender = new SqliteTransport({ path: waiting.path!, clock });
    await waiting.setup();
    let woke = false;
    const wait = waiting.waitForMessages(60_000, new AbortController().signal).then(() => {
      woke = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(woke).toBe(false);
    await sender.send(jobs(1)[0]!);
    await wait;
    expect(numbers(await waiting.get())).toEqual([1]);
    await Promise.all([waiting.close(), sender.close()]);
  }, 5_000);

  it("wakes at a delayed message's due time, not before", async () => {
    const clock = new FakeClock();
    const transport = transportOn({ clock });
    await transport.send(Envelope.wrap(new Job(1), [new DelayStamp(10_000)]));
    let woke = false;
    const wait = transport.waitForMessages(60_000, new AbortController().signal).then(() => {
      woke = true;
    });
    await clock.advance(9_999);
    expect(woke).toBe(false);
    await clock.advance(1);
    await wait;
    expect(woke).toBe(true);
    await transport.close();
  });

  it("ends on abort, on close and after the longest wait; never rejects, even on a broken file", async () => {
    const clock = new FakeClock();
    const transport = transportOn({ clock });
    await transport.setup();
    const abort = new AbortController();
    const aborted = transport.waitForMessages(60_000, abort.signal);
    abort.abort();
    await aborted;
    const timedOut = transport.waitForMessages(1_000, new AbortController().signal);
    await clock.advance(1_000);
    await timedOut;
    const closing = transport.waitForMessages(60_000, new AbortController().signal);
    await transport.close();
    await closing;
    writeFileSync(temp("file.txt"), "not a directory");
    const broken = new SqliteTransport({ path: `${temp("file.txt")}/app.sqlite`, clock });
    const brokenWait = broken.waitForMessages(500, new AbortController().signal);
    await clock.advance(500);
    await expect(brokenWait).resolves.toBeUndefined();
  });
});

describe("SqliteTransport: inspectOnly", () => {
  it("refuses a missing file, naming it, and creates neither it nor its directory", async () => {
    const path = temp("typo/queues.sqlite");
    const transport = transportOn({ path });
    transport.inspectOnly();
    await expect(transport.getMessageCount()).rejects.toMatchObject({
      code: "SQLITE_DATABASE_NOT_FOUND",
      message: expect.stringContaining(path),
    });
    await expect(transport.all()).rejects.toMatchObject({ code: "SQLITE_DATABASE_NOT_FOUND" });
    await expect(transport.find(1)).rejects.toMatchObject({ code: "SQLITE_DATABASE_NOT_FOUND" });
    expect(existsSync(temp("typo"))).toBe(false);
    await transport.close();
  });

  it("counts and lists an existing file as before", async () => {
    const path = temp("existing.sqlite");
    const writer = transportOn({ path });
    await writer.sendMany(jobs(1, 2));
    const reader = transportOn({ path });
    reader.inspectOnly();
    expect(await reader.getMessageCount()).toBe(2);
    expect(numbers(await reader.all())).toEqual([1, 2]);
    await reader.close();
    await writer.close();
  });
});
