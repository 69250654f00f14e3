import {
  BusNameStamp,
  createMessenger,
  DelayStamp,
  Envelope,
  JsonSerializer,
  type Logger,
  LogicError,
  PriorityStamp,
  TransportError,
  TransportMessageIdStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { RedisReceivedStamp, type RedisTransport, RedisTransportFactory } from "../src/index.js";
import { ACK, FETCH, SEND } from "../src/redis-scripts.js";
import { ageClaims, eventually, factoryContext, Job, receive, redisUp } from "./support/redis.js";
import { RedisMonitor } from "./support/redis-monitor.js";
import { redisTestFile } from "./support/redis-test-file.js";

const redis = redisTestFile("transport");
const { admin, prefix, transports } = redis;

function one(options: Record<string, string | number | boolean> = {}): RedisTransport {
  return transports(1, options)[0]!;
}

const job = (n: number, delay?: number) =>
  Envelope.wrap(new Job(n), delay === undefined ? [] : [DelayStamp.delayFor(delay)]);
const numbers = (envelopes: readonly Envelope[]) => envelopes.map((e) => (e.message as Job).n);

/** Records the EVALSHA calls of one script on one stream while `run` runs (MONITOR). */
async function scriptCalls(sha: string, stream: string, run: () => Promise<void>): Promise<string[][]> {
  const monitor = await RedisMonitor.open();
  const calls: string[][] = [];
  monitor.onCommand((args) => {
    if (args[0]?.toLowerCase() === "evalsha" && args[1] === sha && args[3] === stream) calls.push(args);
  });
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    monitor.close();
  }
  return calls;
}

describe.skipIf(!redisUp)("Redis transport behaviour", () => {
  it("ack acknowledges and deletes in one script call, and acks of one tick share it", async () => {
    const transport = one();
    await transport.sendMany([1, 2, 3, 4, 5].map((n) => job(n)));
    const received = await receive(transport, 5);
    const calls = await scriptCalls(ACK.sha, transport.stream, async () => {
      await Promise.all(received.map((envelope) => transport.ack(envelope)));
    });
    expect(calls, "one ACK script for five acks issued together").toHaveLength(1);
    expect(await admin.xlen(transport.stream), "acked entries are deleted").toBe(0);
    expect(await admin.xpending(transport.stream, transport.group)).toEqual([0, null, null, null]);
  });

  it("keeps acked entries when delete_after_ack=false, and deletes rejected ones unless told not to", async () => {
    const transport = one({ delete_after_ack: false });
    await transport.sendMany([1, 2].map((n) => job(n)));
    const [first, second] = await receive(transport, 2);
    await transport.ack(first!);
    await transport.reject(second!);
    const left = (await admin.xrange(transport.stream, "-", "+")).map(([id]) => id);
    expect(left).toEqual([first!.last(TransportMessageIdStamp)!.id]);
    expect((await admin.xpending(transport.stream, transport.group))[0]).toBe(0);
    expect(await transport.getMessageCount()).toBe(0);
  });

  it("sends in bulk with one script call, undelayed and delayed mixed, ids in order", async () => {
    const transport = one();
    const envelopes = Array.from({ length: 1_000 }, (_, i) => job(i, i % 100 === 0 ? 60_000 : undefined));
    let sent: readonly Envelope[] = [];
    const calls = await scriptCalls(SEND.sha, transport.stream, async () => {
      sent = await transport.sendMany(envelopes);
    });
    expect(calls).toHaveLength(1);
    const ids = sent.map((e) => String(e.last(TransportMessageIdStamp)!.id));
    expect(ids.filter((id) => id.startsWith("d-"))).toHaveLength(10);
    const streamIds = ids.filter((id) => !id.startsWith("d-"));
    expect(streamIds).toEqual((await admin.xrange(transport.stream, "-", "+")).map(([id]) => id));
    expect(await transport.getMessageCounts()).toEqual({ waiting: 990, pending: 0, delayed: 10 });
  });

  it("bus.dispatchMany sends with one script call, in order, each envelope with its stream id", async () => {
    const stream = redis.stream();
    const messenger = createMessenger({
      transports: { jobs: redis.dsn(stream) },
      transportFactories: [new RedisTransportFactory()],
      routing: [[Job, "jobs"]],
    });
    const transport = messenger.getTransport("jobs") as RedisTransport;
    let sent: readonly Envelope[] = [];
    try {
      const calls = await scriptCalls(SEND.sha, transport.stream, async () => {
        sent = await messenger.bus.dispatchMany([1, 2, 3].map((n) => new Job(n)));
      });
      expect(calls).toHaveLength(1);
      expect(numbers(sent)).toEqual([1, 2, 3]);
      const ids = sent.map((e) => String(e.last(TransportMessageIdStamp)!.id));
      expect(ids).toEqual((await admin.xrange(transport.stream, "-", "+")).map(([id]) => id));
    } finally {
      await messenger.close();
    }
  });

  it("sends the text its messages share once per bulk send, and stores every message whole", async () => {
    const transport = one();
    const bus = Object.freeze(new BusNameStamp("messenger.bus.default"));
    // Runs of two kinds of headers (with and without the bus-name stamp), and a delayed message.
    const envelopes = Array.from({ length: 30 }, (_, i) =>
      Envelope.wrap(new Job(i), [
        ...(i % 10 < 5 ? [bus] : []),
        ...(i === 7 ? [DelayStamp.delayFor(60_000)] : []),
      ]),
    );
    const calls = await scriptCalls(SEND.sha, transport.stream, async () => {
      await transport.sendMany(envelopes);
    });
    expect(calls).toHaveLength(1);
    const sentText = calls[0]!.join("\n");
    const busHeaders = sentText.split('"X-Message-Stamp-BusNameStamp":').length - 1;
    expect(busHeaders, "the bus-name header once for the 15 messages that carry it").toBe(1);
    const serializer = new JsonSerializer();
    const expected = envelopes.map((envelope) => JSON.stringify(serializer.encode(envelope)));
    const stored = (await admin.xrange(transport.stream, "-", "+")).map(([, fields]) => fields[1]);
    expect(stored).toEqual(expected.filter((_, i) => i !== 7));
    expect(await admin.hvals(`${transport.stream}:delayed:messages`)).toEqual([expected[7]]);
  });

  it("moves a delayed message into the stream at its due time, to the millisecond", async () => {
    const transport = one();
    await transport.send(job(1, 400));
    const sentAt = Date.now();
    expect(await transport.get()).toEqual([]);
    // The idle wait ends at the due time the last fetch reported, not on a poll.
    await transport.waitForMessages(10_000, new AbortController().signal);
    const wokeAfter = Date.now() - sentAt;
    const [later] = await transport.get();
    expect(numbers([later!])).toEqual([1]);
    expect(wokeAfter, "not before its due time").toBeGreaterThanOrEqual(390);
    expect(wokeAfter, "at its due time, not at the end of the 10 s wait").toBeLessThan(5_000);
  });

  it("an idle wait ends at once on a send from another process, and one message wakes one waiter", async () => {
    const [first, second, producer] = transports(3);
    await Promise.all([first!.get(), second!.get()]);
    const woke: string[] = [];
    const controller = new AbortController();
    const waits = [first!, second!].map((t, i) =>
      t.waitForMessages(10_000, controller.signal).then(() => woke.push(`w${i}:${Date.now()}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sentAt = Date.now();
    await producer!.send(job(1));
    expect(await eventually(() => woke.length > 0, 5_000), "a consumer wakes").toBe(true);
    // Time for a second, wrong wake-up to show.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(woke, "exactly one idle consumer wakes for one message").toHaveLength(1);
    expect(
      Number(woke[0]!.split(":")[1]) - sentAt,
      "woken by the send, not at the end of the 10 s wait",
    ).toBeLessThan(5_000);
    controller.abort();
    await Promise.all(waits);
  });

  it("the wake-up brings the message: the fetch queued behind the wait claimed it, get() makes no second call", async () => {
    const [consumer, producer] = transports(2);
    await consumer!.get();
    let received: readonly Envelope[] = [];
    const calls = await scriptCalls(FETCH.sha, consumer!.stream, async () => {
      const waiting = consumer!.waitForMessages(10_000, new AbortController().signal);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await producer!.send(job(3));
      await waiting;
      const [pending] = (await admin.xpending(consumer!.stream, consumer!.group)) as [number];
      expect(pending, "claimed before get() was called").toBe(1);
      received = await consumer!.get();
    });
    expect(numbers(received)).toEqual([3]);
    expect(calls, "one fetch: the one queued behind the wait").toHaveLength(1);
  });

  it("what the fetch behind a wait that ran out its time took reaches the next get()", async () => {
    const [consumer, producer] = transports(2);
    await consumer!.get();
    await producer!.send(job(4));
    await admin.del(`${consumer!.stream}:marker`); // a message without its wake-up
    await consumer!.waitForMessages(200, new AbortController().signal);
    // The blocked call has timed out, and the fetch behind it claims the message.
    const claimed = await eventually(
      async () => ((await admin.xpending(consumer!.stream, consumer!.group)) as [number])[0] === 1,
      5_000,
    );
    expect(claimed, "the fetch behind the wait claimed the message").toBe(true);
    expect(numbers(await consumer!.get())).toEqual([4]);
  });

  it("a wake-up taken by a wait that already ended goes to another idle worker", async () => {
    const [early, idle, producer] = transports(3);
    await Promise.all([early!.get(), idle!.get()]);
    // `early` stops waiting (another transport of its worker had work), its BZPOPMIN still blocked.
    const stop = new AbortController();
    const earlyWait = early!.waitForMessages(10_000, stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop.abort();
    await earlyWait;
    let wokeAt = 0;
    const idleWait = idle!.waitForMessages(10_000, new AbortController().signal).then(() => {
      wokeAt = Date.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sentAt = Date.now();
    await producer!.send(job(1));
    await idleWait;
    expect(wokeAt - sentAt, "handed on, not lost until the wait's 10 s ran out").toBeLessThan(5_000);
    expect(numbers(await idle!.get())).toEqual([1]);
  });

  it("an idle wait ends at the due time of a delayed message sent while it waits", async () => {
    const [consumer, producer] = transports(2);
    await consumer!.get();
    const waiting = consumer!.waitForMessages(10_000, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sentAt = Date.now();
    await producer!.send(job(7, 300));
    await waiting;
    const wokeAfter = Date.now() - sentAt;
    expect(wokeAfter, "not before its due time").toBeGreaterThanOrEqual(290);
    expect(wokeAfter, "at its due time, not at the end of the 10 s wait").toBeLessThan(5_000);
    expect(numbers(await consumer!.get())).toEqual([7]);
  });

  it("takes over a dead consumer's entries in one batch after the redelivery timeout (XAUTOCLAIM)", async () => {
    const [dead, survivor] = transports(2);
    // Warm the survivor up: fast acks let its fetches grow to full batches.
    await survivor!.sendMany([100, 101, 102].map((n) => job(n)));
    for (const envelope of await receive(survivor!, 3)) await survivor!.ack(envelope);
    await dead!.sendMany([1, 2, 3, 4, 5].map((n) => job(n)));
    expect(await receive(dead!, 5)).toHaveLength(5);
    expect(await survivor!.get(), "held entries are not handed out twice").toEqual([]);
    await ageClaims(admin, dead!.stream, dead!.group, dead!.redeliveryTimeout + 1);
    const taken = await survivor!.get();
    expect(numbers(taken).sort()).toEqual([1, 2, 3, 4, 5]);
    const owners = (await admin.xpending(dead!.stream, dead!.group, "-", "+", 10)) as [string, string][];
    expect(new Set(owners.map(([, owner]) => owner))).toEqual(new Set([survivor!.consumer]));
  });

  it("keepalive keeps a long handler's entry; it never takes back one another consumer took over", async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (_c, m) => void warnings.push(m), error() {} };
    const stream = redis.stream();
    const holder = redis.transport(stream, { claim_interval: 0 }, factoryContext("holder", logger));
    const other = redis.transport(stream, { claim_interval: 0 }, factoryContext("other"));
    await holder.send(job(1));
    const [held] = await receive(holder, 1);
    await ageClaims(admin, holder.stream, holder.group, holder.redeliveryTimeout * 0.9);
    await holder.keepalive(held!);
    await ageClaims(admin, holder.stream, holder.group, holder.redeliveryTimeout * 0.5);
    expect(await other.get(), "kept alive: not abandoned yet").toEqual([]);
    await ageClaims(admin, holder.stream, holder.group, holder.redeliveryTimeout * 0.6);
    expect(numbers(await other.get())).toEqual([1]);
    await holder.keepalive(held!);
    const [pending] = (await admin.xpending(
      stream === "" ? "" : holder.stream,
      holder.group,
      "-",
      "+",
      1,
    )) as [string, string][];
    const owner = pending?.[1];
    expect(owner, "the late keepalive did not steal it back").toBe(other.consumer);
    expect(warnings.join("\n")).toMatch(/no longer held/);
    await expect(holder.keepalive(held!, 31)).rejects.toThrow(/at most its redeliver_timeout/);
  });

  it("counts waiting, pending and delayed messages", async () => {
    const transport = one();
    await transport.sendMany([job(1), job(2), job(3), job(4, 60_000)]);
    const [first] = await transport.get();
    expect(await transport.getMessageCounts()).toEqual({ waiting: 2, pending: 1, delayed: 1 });
    expect(await transport.getMessageCount()).toBe(4);
    await transport.ack(first!);
    expect(await transport.getMessageCount()).toBe(3);
  });

  it("lists and finds delayed messages too; reject removes listed ones wherever they are", async () => {
    const transport = one();
    const [now, later] = await transport.sendMany([job(1), job(2, 60_000)]);
    const listed = await transport.all();
    expect(numbers(listed)).toEqual([1, 2]);
    expect(listed[1]!.last(RedisReceivedStamp)).toMatchObject({ location: "delayed", claimed: false });
    const laterId = String(later!.last(TransportMessageIdStamp)!.id);
    expect(numbers([(await transport.find(laterId))!])).toEqual([2]);
    expect(await transport.find("d-0000000000000000")).toBeUndefined();
    expect(await transport.find("not an id")).toBeUndefined();
    expect(await transport.find("1-1")).toBeUndefined();
    for (const envelope of listed) await transport.reject(envelope);
    expect(await transport.all()).toEqual([]);
    expect(await transport.getMessageCounts()).toEqual({ waiting: 0, pending: 0, delayed: 0 });
    expect(await transport.get()).toEqual([]);
    expect(now).toBeDefined();
  });

  it("pages delayed messages by due time after a delayed id, and refuses one no longer stored", async () => {
    const transport = one();
    await transport.sendMany([job(1), job(4, 90_000), job(3, 60_000), job(2, 30_000)]);
    const ids = (await transport.all()).map((e) => String(e.last(TransportMessageIdStamp)!.id));
    expect(numbers(await transport.all(2, ids[1]))).toEqual([3, 4]);
    expect(numbers(await transport.all(undefined, ids[0]))).toEqual([2, 3, 4]);
    await transport.reject((await transport.find(ids[2]!))!);
    await expect(transport.all(2, ids[2])).rejects.toMatchObject({ code: "REDIS_LIST_CURSOR_GONE" });
    await expect(transport.all(2, "no id")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("setup creates the group once, tolerates concurrent runs, and refuses deletes on a shared stream", async () => {
    const transport = one();
    await Promise.all([transport.setup(), transport.setup(), transport.setup()]);
    expect((await admin.xinfo("GROUPS", transport.stream)) as unknown[]).toHaveLength(1);
    await admin.xgroup("CREATE", transport.stream, "analytics", "0");
    await expect(transport.setup()).rejects.toBeInstanceOf(LogicError);
    const keeping = redis.transport(transport.stream.slice(prefix.length), {
      delete_after_ack: false,
      delete_after_reject: false,
    });
    await keeping.setup();
  });

  it("without auto_setup, a missing group is a clear error until setup() runs", async () => {
    const transport = one({ auto_setup: false });
    await transport.send(job(1));
    const error = await transport.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe("REDIS_GROUP_MISSING");
    expect((error as Error).message).toMatch(/Run setup\(\)/);
    await transport.setup();
    expect(numbers(await transport.get())).toEqual([1]);
  });

  it("recreates a group Redis lost (a restart without persistence) and goes on", async () => {
    const transport = one();
    await transport.send(job(1));
    await transport.ack((await transport.get())[0]!);
    await admin.del(transport.stream);
    await transport.send(job(2));
    expect(numbers(await transport.get())).toEqual([2]);
  });

  it("hands out an entry without a message field (a foreign producer) as undecodable", async () => {
    const transport = one();
    await admin.xadd(transport.stream, "*", "payload", "something else");
    await admin.xadd(transport.stream, "*", "message", "not json");
    const received = await receive(transport, 2);
    expect(received.map((e) => e.message instanceof UndecodableMessage)).toEqual([true, true]);
    expect((received[1]!.message as UndecodableMessage).body).toBe("not json");
  });

  it("hands out every entry whole, whatever bytes its message holds", async () => {
    const transport = one();
    // Multi-byte characters (the reply counts bytes), the separators of the packed reply, empty.
    const texts = ["é € 😀 12 -1 ", "", " 3 x", "\u0000\r\n", "-1 7 "];
    for (const text of texts) await admin.xadd(transport.stream, "*", "message", text);
    await admin.xadd(transport.stream, "*", "payload", "no message field");
    await transport.send(job(7));
    const ids = (await admin.xrange(transport.stream, "-", "+")).map(([id]) => id);
    const received = await receive(transport, 7);
    expect(received.map((e) => String(e.last(TransportMessageIdStamp)!.id))).toEqual(ids);
    const bodies = received.slice(0, 6).map((e) => (e.message as UndecodableMessage).body);
    expect(bodies).toEqual([...texts, ""]);
    expect(numbers(received.slice(6))).toEqual([7]);
  });

  it("hands out big messages whole when a fetch takes more than the script packs into one string", async () => {
    const transport = one();
    // One small message acked first: the claim sizer then asks for full batches.
    await transport.send(job(0));
    const [first] = await transport.get();
    await transport.ack(first!);
    const big = (i: number) => `${i} é € 😀 ${"x".repeat(10_000)}`;
    // 40 of 10 KB: past the 256 KiB a level's entries are packed up to, in level 0 and level 3.
    for (let i = 0; i < 40; i++) await admin.xadd(transport.stream, "*", "message", big(i));
    const prioritized = Array.from({ length: 40 }, (_, i) =>
      Envelope.wrap(Object.assign(new Job(100 + i), { text: big(i) }), [new PriorityStamp(3)]),
    );
    await transport.sendMany(prioritized);
    const received = await receive(transport, 80);
    expect(received).toHaveLength(80);
    const ids = received.map((e) => String(e.last(TransportMessageIdStamp)!.id));
    expect(
      ids.slice(0, 40).every((id) => id.startsWith("p3:")),
      "level 3 first, ids with its prefix",
    ).toBe(true);
    expect(received.slice(0, 40).map((e) => (e.message as Job & { text: string }).text)).toEqual(
      Array.from({ length: 40 }, (_, i) => big(i)),
    );
    expect(received.slice(40).map((e) => (e.message as UndecodableMessage).body)).toEqual(
      Array.from({ length: 40 }, (_, i) => big(i)),
    );
    await Promise.all(received.map((e) => transport.ack(e)));
    expect(await transport.getMessageCount()).toBe(0);
  });

  it("after a lost connection, re-delivers at once what a fetch took but whose reply was lost", async () => {
    const transport = one();
    await transport.sendMany([job(1), job(2)]);
    const [kept] = await transport.get();
    // A fetch whose reply never arrived: the entry sits in this consumer's pending list.
    await admin.xreadgroup(
      "GROUP",
      transport.group,
      transport.consumer,
      "COUNT",
      1,
      "STREAMS",
      transport.stream,
      ">",
    );
    const clients = (await admin.client("LIST")) as string;
    const ids = clients
      .split("\n")
      .filter((line) => line.includes(`name=messenger-ts:`) && line.includes(`-${process.pid} `))
      .map((line) => /id=(\d+)/.exec(line)![1]!);
    for (const id of ids) await admin.client("KILL", "ID", id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(numbers(await transport.get()), "the lost one, and not the one in hand").toEqual([2]);
    await transport.ack(kept!);
  });

  it("keeps the restart signal under the prefix, shared by every stream", async () => {
    const [transport] = transports(1, { prefix: `${prefix}restart:` });
    expect(await transport!.getRestartRequestedAt()).toBeNull();
    await transport!.requestRestart(1_700_000_000_123);
    const other = redis.transport("other", { prefix: `${prefix}restart:` });
    expect(await other.getRestartRequestedAt()).toBe(1_700_000_000_123);
  });

  it("shares one token bucket between workers (Lua, Redis clock)", async () => {
    const [a, b] = transports(2);
    const limiters = [a!.createRateLimiter("mailer", 3, 1_000), b!.createRateLimiter("mailer", 3, 1_000)];
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(await limiters[i % 2]!.reserve());
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    for (const wait of waits.slice(3)) expect(wait).toBeGreaterThan(0);
    expect(waits[5]!).toBeGreaterThan(waits[3]!);
    expect(waits[5]!).toBeLessThanOrEqual(1_000);
    expect(await a!.createRateLimiter("other", 1, 1_000).reserve(), "buckets are per key").toBe(0);
  });
});
