import {
  DeduplicatedStamp,
  DeduplicateStamp,
  DelayStamp,
  Envelope,
  PriorityStamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { priorityStreamKey } from "../src/redis-options.js";
import { ageClaims, Job, letTimePass, receive, redisUp } from "./support/redis.js";
import { redisTestFile } from "./support/redis-test-file.js";

// The conformance suite checks the order get() hands messages out in (`priority: true`); these
// tests check that every other operation finds the messages of every priority level's stream.
const redis = redisTestFile("priority");
const { admin, transports } = redis;

const job = (n: number, priority?: number, ...more: (DelayStamp | DeduplicateStamp)[]) =>
  Envelope.wrap(new Job(n), [...(priority === undefined ? [] : [new PriorityStamp(priority)]), ...more]);
const numbers = (envelopes: readonly Envelope[]) => envelopes.map((e) => (e.message as Job).n);
const idOf = (envelope: Envelope) => String(envelope.last(TransportMessageIdStamp)!.id);

describe.skipIf(!redisUp)("Redis transport, priority levels", () => {
  it("keeps priority 0 in the stream itself and each other level in a stream of its own, the level in the id", async () => {
    const [transport] = transports(1);
    const [plain, high, later] = await transport!.sendMany([
      job(1),
      job(2, 7),
      job(3, 7, DelayStamp.delayFor(3_600_000)),
    ]);
    expect(idOf(plain!)).toMatch(/^\d+-\d+$/);
    expect(idOf(high!)).toMatch(/^p7:\d+-\d+$/);
    expect(idOf(later!)).toMatch(/^p7:d-[0-9a-f]{16}$/);
    expect(await admin.xlen(transport!.stream)).toBe(1);
    expect(await admin.xlen(priorityStreamKey(transport!.stream, 7))).toBe(1);
    expect(await admin.zrange(`${transport!.stream}:priorities`, "0", "-1")).toEqual(["7"]);

    // Listing: the streams in claim order (highest first), then the delayed messages; pages go on.
    const listed = await transport!.all();
    expect(numbers(listed)).toEqual([2, 1, 3]);
    expect(listed.map(idOf)).toEqual([idOf(high!), idOf(plain!), idOf(later!)]);
    expect(numbers(await transport!.all(1, idOf(high!)))).toEqual([1]);
    expect(numbers(await transport!.all(undefined, idOf(plain!)))).toEqual([3]);
    for (const sent of [plain!, high!, later!]) {
      const found = await transport!.find(idOf(sent));
      expect(found?.last(PriorityStamp)?.priority).toBe(sent.last(PriorityStamp)?.priority);
    }
    expect(await transport!.find("p256:1-0"), "no such level").toBeUndefined();

    const [first] = await transport!.get();
    expect(numbers([first!])).toEqual([2]);
    expect(await transport!.getMessageCounts()).toEqual({ waiting: 1, pending: 1, delayed: 1 });
    // A listed message of a level is removed from its level's stream (messenger:failed:remove).
    await transport!.reject((await transport!.find(idOf(plain!)))!);
    await transport!.reject((await transport!.find(idOf(later!)))!);
    expect(await transport!.getMessageCounts()).toEqual({ waiting: 0, pending: 1, delayed: 0 });
  });

  it("acks delete from the level's stream, and a level whose stream is empty leaves the levels in use", async () => {
    const [transport] = transports(1);
    await transport!.sendMany([job(1, 3), job(2, 3), job(3)]);
    const received = await receive(transport!, 3);
    expect(numbers(received)).toEqual([1, 2, 3]);
    await Promise.all(received.map((envelope) => transport!.ack(envelope)));
    expect(await admin.xlen(priorityStreamKey(transport!.stream, 3))).toBe(0);
    expect(await transport!.getMessageCount()).toBe(0);
    expect(await transport!.get()).toEqual([]);
    expect(await admin.exists(`${transport!.stream}:priorities`)).toBe(0);
  });

  it("keepalive refreshes a held entry of a level; a dead consumer's entries of every level are swept up, highest first", async () => {
    const stream = redis.stream();
    const dead = redis.transport(stream, { consumer: "dead" });
    // One sweep an hour: after the first, only its cursor makes the next fetches go on sweeping.
    const alive = redis.transport(stream, { consumer: "alive", claim_interval: 3_600_000 });
    await alive.sendMany([job(1), job(2, 2), job(3, 9)]);
    const held = await receive(dead, 3);
    expect(numbers(held)).toEqual([3, 2, 1]);
    const level9 = priorityStreamKey(dead.stream, 9);
    await ageClaims(admin, level9, dead.group, 60_000);
    await dead.keepalive(held[0]!);
    const pending = (await admin.xpending(level9, dead.group, "-", "+", 1)) as [string, string, number][];
    const idle = pending[0]?.[2];
    expect(idle, "the keepalive reset the idle time").toBeLessThan(60_000);

    for (const stream of [dead.stream, priorityStreamKey(dead.stream, 2), level9]) {
      await ageClaims(admin, stream, dead.group, 60_000);
    }
    // A new consumer's first fetches take one entry each: the sweep goes on from level to level.
    const taken = await receive(alive, 3);
    expect(numbers(taken)).toEqual([3, 2, 1]);
    await Promise.all(taken.map((envelope) => alive.ack(envelope)));
    expect(await alive.getMessageCount()).toBe(0);
  });

  it("a fixed consumer name takes back at start what it held at every level", async () => {
    const stream = redis.stream();
    const before = redis.transport(stream, { consumer: "fixed" });
    await before.sendMany([job(1), job(2, 4)]);
    expect(numbers(await receive(before, 2))).toEqual([2, 1]);
    await before.close();
    const after = redis.transport(stream, { consumer: "fixed" });
    expect(numbers(await after.get()).sort()).toEqual([1, 2]);
  });

  it("a delayed message keeps its priority when it becomes due", async () => {
    const [transport] = transports(1);
    await transport!.send(job(1, 6, DelayStamp.delayFor(60_000)));
    await transport!.send(job(2));
    await letTimePass(admin, transport!.stream, 61_000);
    const received = await receive(transport!, 2);
    expect(numbers(received)).toEqual([1, 2]);
    expect(idOf(received[0]!)).toMatch(/^p6:\d+-\d+$/);
  });

  it("deduplicates across levels: a waiting holder is replaced by a message of another priority", async () => {
    const [transport] = transports(1);
    const replace = () => new DeduplicateStamp("k", 60_000, false, "replace");
    await transport!.send(job(1, 1, replace()));
    const replacing = await transport!.send(job(2, 8, replace()));
    expect(replacing.last(DeduplicatedStamp)?.replaced).toBe(true);
    expect(idOf(replacing)).toMatch(/^p8:/);
    expect(await admin.xlen(priorityStreamKey(transport!.stream, 1)), "the holder is gone").toBe(0);
    const dropped = await transport!.send(job(3, 0, new DeduplicateStamp("k", 60_000)));
    expect(dropped.last(DeduplicatedStamp)?.replaced).toBe(false);
    expect(numbers(await receive(transport!, 2))).toEqual([2]);
  });

  it("an idle worker wakes for a message of any level", async () => {
    const [consumer, producer] = transports(2);
    await consumer!.get();
    const waiting = consumer!.waitForMessages(60_000, new AbortController().signal);
    await producer!.send(job(1, 200));
    await waiting;
    expect(numbers(await consumer!.get())).toEqual([1]);
  });

  it("Symfony mode ignores priorities: every message goes to the one stream PHP workers read", async () => {
    const [transport] = transports(1, { symfony: true });
    expect(transport!.supportsPriority).toBe(false);
    const sent = await transport!.send(job(1, 9));
    expect(idOf(sent)).toMatch(/^\d+-\d+$/);
    expect(await admin.xlen(transport!.stream)).toBe(1);
    expect(await admin.exists(`${transport!.stream}:priorities`)).toBe(0);
    const [received] = await transport!.get();
    expect(received!.last(PriorityStamp)?.priority, "the stamp travels").toBe(9);
  });
});
