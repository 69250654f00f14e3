import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../clock/clock.js";
import { isConcurrencyLeaseStore } from "../concurrency-limit/concurrency-lease-store.js";
import { Envelope } from "../envelope/envelope.js";
import { isSharedRateLimiterFactory } from "../rate-limit/rate-limiter.js";
import { UndecodableMessage } from "../serialization/undecodable-message.js";
import { BusNameStamp } from "../stamps/bus-name-stamp.js";
import { DelayStamp } from "../stamps/delay-stamp.js";
import { DeliveryLimitExceededStamp } from "../stamps/delivery-limit-exceeded-stamp.js";
import { MessageDecodingFailedStamp } from "../stamps/message-decoding-failed-stamp.js";
import { RedeliveryStamp } from "../stamps/redelivery-stamp.js";
import { TransportMessageIdStamp } from "../stamps/transport-message-id-stamp.js";
import { isBulkSender } from "../transport/capabilities/bulk-sender.js";
import { isKeepaliveReceiver } from "../transport/capabilities/keepalive-receiver.js";
import { isListableReceiver } from "../transport/capabilities/listable-receiver.js";
import { isMessageCountAware } from "../transport/capabilities/message-count-aware.js";
import { isReleasableReceiver } from "../transport/capabilities/releasable-receiver.js";
import { isSetupableTransport } from "../transport/capabilities/setupable-transport.js";
import { isStoredMessageCountAware } from "../transport/capabilities/stored-message-count-aware.js";
import {
  isThroughputStore,
  THROUGHPUT_BUCKET,
  THROUGHPUT_RETENTION,
  throughputMinute,
} from "../transport/capabilities/throughput-store.js";
import { isWorkerRegistry, type WorkerHeartbeat } from "../transport/capabilities/worker-registry.js";
import type { Transport } from "../transport/transport.js";
import { isTransportPauseStore } from "../worker/transport-pause-store.js";
import { ConformanceMessage, OtherConformanceMessage } from "./conformance-messages.js";
import type {
  TransportConformanceContext,
  TransportConformanceOptions,
  TransportConformanceSetup,
} from "./conformance-setup.js";
import { FakeClock } from "./fake-clock.js";
import { describeDeduplicationConformance } from "./transport-conformance-deduplication.js";
import { describePriorityConformance } from "./transport-conformance-priority.js";

/** The id as a string: a transport may hand back a numeric id as a string after a round trip. */
function idOf(envelope: Envelope): string {
  const stamp = envelope.last(TransportMessageIdStamp);
  expect(stamp, "every envelope a transport returns carries a TransportMessageIdStamp").toBeDefined();
  return String(stamp!.id);
}

/**
 * Calls get() until `count` envelopes came back. A transport may return fewer than are due per
 * call (Doctrine returns one), so a single get() proves nothing about how many were available.
 */
async function receive(transport: Transport, count: number): Promise<Envelope[]> {
  const received: Envelope[] = [];
  for (let emptyPolls = 0; received.length < count && emptyPolls < 5; ) {
    const batch = await transport.get();
    if (batch.length === 0) {
      emptyPolls++;
      await systemClock.sleep(10);
    }
    received.push(...batch);
  }
  return received;
}

/** One get() must come back empty: nothing is due, or everything due is claimed. */
async function expectNothingAvailable(transport: Transport, why: string): Promise<void> {
  expect(await transport.get(), why).toEqual([]);
}

/** The delivery limit the delivery limit tests ask for: small, so a few redeliveries cross it. */
const CONFORMANCE_DELIVERY_LIMIT = 2;

/** The one delivery get() returns now, which must be the message with this id. */
async function deliveryOf(transport: Transport, id: string, which: string): Promise<Envelope> {
  const [delivery, ...more] = await receive(transport, 1);
  expect(delivery, `the ${which} delivery must come`).toBeDefined();
  expect(more).toEqual([]);
  expect(idOf(delivery!), `the ${which} delivery is the same stored message`).toBe(id);
  return delivery!;
}

/**
 * The behaviour every transport must share, as a vitest suite. Call it at the top level of a test
 * file in the transport's package; `setup` runs before each test and must give a fresh, empty
 * transport, built as its context asks (a delivery limit). Capabilities the transport lacks, and
 * hooks the setup does not give, skip their tests.
 *
 * @example
 * ```ts
 * describeTransportConformance("in-memory", async () => {
 *   const clock = new FakeClock();
 *   return { transport: new InMemoryTransport({ clock }), clock };
 * });
 * ```
 */
export function describeTransportConformance(
  name: string,
  setup: (context: TransportConformanceContext) => Promise<TransportConformanceSetup>,
  options: TransportConformanceOptions = {},
): void {
  const {
    supportsDelay = true,
    realDelay = 250,
    ordered = true,
    listsClaimedAndDelayed = true,
    deduplication = false,
    priority = false,
  } = options;
  if (deduplication) describeDeduplicationConformance(name, setup);
  if (priority) describePriorityConformance(name, setup);

  describe(`transport conformance: ${name}`, () => {
    let current: TransportConformanceSetup;
    let transport: Transport;

    beforeEach(async () => {
      current = await setup({});
      transport = current.transport;
    });

    afterEach(async () => {
      await current?.cleanup?.();
    });

    it("send returns the envelope with a transport message id stamp", async () => {
      const sent = await transport.send(Envelope.wrap(new ConformanceMessage("hello", 1)));
      expect(sent.message).toEqual(new ConformanceMessage("hello", 1));
      const second = await transport.send(Envelope.wrap(new ConformanceMessage("again", 2)));
      expect(idOf(second)).not.toBe(idOf(sent));
    });

    it("get returns the sent message once, with the id that send gave", async () => {
      const sent = await transport.send(Envelope.wrap(new ConformanceMessage("hello", 1)));
      const [received, ...more] = await receive(transport, 1);
      expect(more).toEqual([]);
      expect(received!.message).toBeInstanceOf(ConformanceMessage);
      expect(received!.message).toEqual(new ConformanceMessage("hello", 1));
      expect(idOf(received!)).toBe(idOf(sent));
    });

    it("ack removes the message for good", async () => {
      await transport.send(Envelope.wrap(new ConformanceMessage("ack me", 1)));
      const [received] = await receive(transport, 1);
      await transport.ack(received!);
      await expectNothingAvailable(transport, "an acked message must not come back");
      if (isListableReceiver(transport)) expect(await transport.find(idOf(received!))).toBeUndefined();
    });

    it("reject removes the message for good", async () => {
      await transport.send(Envelope.wrap(new ConformanceMessage("reject me", 1)));
      const [received] = await receive(transport, 1);
      await transport.reject(received!);
      await expectNothingAvailable(transport, "a rejected message must not come back");
      if (isListableReceiver(transport)) expect(await transport.find(idOf(received!))).toBeUndefined();
    });

    it("keeps sendable stamps through the round trip", async () => {
      const redeliveredAt = new Date("2024-05-06T07:08:09.010Z");
      const stamps = [new BusNameStamp("conformance_bus"), new RedeliveryStamp(2, redeliveredAt)];
      await transport.send(Envelope.wrap(new OtherConformanceMessage(["a", "b"]), stamps));
      const [received] = await receive(transport, 1);
      expect(received!.message).toEqual(new OtherConformanceMessage(["a", "b"]));
      expect(received!.last(BusNameStamp)?.busName).toBe("conformance_bus");
      expect(received!.last(RedeliveryStamp)?.retryCount).toBe(2);
      expect(received!.last(RedeliveryStamp)?.redeliveredAt.getTime()).toBe(redeliveredAt.getTime());
    });

    it("never delivers a claimed message twice, even to concurrent consumers", async () => {
      for (let n = 1; n <= 3; n++) await transport.send(Envelope.wrap(new ConformanceMessage("claim", n)));
      const concurrent = (await Promise.all([transport.get(), transport.get(), transport.get()])).flat();
      const received = [...concurrent, ...(await receive(transport, 3 - concurrent.length))];
      const ids = received.map(idOf);
      expect(new Set(ids).size, `delivered ids: ${ids.join(", ")}`).toBe(ids.length);
      expect(received.map((e) => (e.message as ConformanceMessage).n).sort()).toEqual([1, 2, 3]);
      await expectNothingAvailable(
        transport,
        "claimed messages must not be delivered again before they expire",
      );
    });

    it.skipIf(!ordered)("delivers due messages oldest first", async () => {
      for (let n = 1; n <= 3; n++) await transport.send(Envelope.wrap(new ConformanceMessage("order", n)));
      const received = await receive(transport, 3);
      expect(received.map((e) => (e.message as ConformanceMessage).n)).toEqual([1, 2, 3]);
    });

    it.skipIf(!supportsDelay)(
      "honours a delay stamp: not before the delay, and then with its stamps",
      async () => {
        const clock = current.clock instanceof FakeClock ? current.clock : undefined;
        const delay = clock ? 10_000 : realDelay;
        await transport.send(Envelope.wrap(new ConformanceMessage("later", 1), [DelayStamp.delayFor(delay)]));
        await transport.send(Envelope.wrap(new ConformanceMessage("now", 2)));
        const [immediate, ...more] = await receive(transport, 1);
        expect((immediate!.message as ConformanceMessage).text, "an undelayed message must not wait").toBe(
          "now",
        );
        expect(more).toEqual([]);
        if (clock) {
          // Millisecond precision: one millisecond early is still too early.
          await clock.advance(delay - 1);
          await expectNothingAvailable(transport, "a delayed message must not be available before its delay");
          await clock.advance(1);
        } else {
          await expectNothingAvailable(transport, "a delayed message must not be available before its delay");
          await systemClock.sleep(delay + 50);
        }
        const [later] = await receive(transport, 1);
        expect(later?.message).toEqual(new ConformanceMessage("later", 1));
        expect(later!.last(DelayStamp)?.delay).toBe(delay);
      },
    );

    it("counts the messages waiting (when MessageCountAware)", async (ctx) => {
      ctx.skip(!isMessageCountAware(transport), "not MessageCountAware");
      if (!isMessageCountAware(transport)) return;
      expect(await transport.getMessageCount()).toBe(0);
      await transport.send(Envelope.wrap(new ConformanceMessage("count", 1)));
      await transport.send(Envelope.wrap(new ConformanceMessage("count", 2)));
      expect(await transport.getMessageCount()).toBe(2);
      for (const envelope of await receive(transport, 2)) await transport.ack(envelope);
      expect(await transport.getMessageCount()).toBe(0);
    });

    it("lists and finds stored messages without claiming them (when ListableReceiver)", async (ctx) => {
      ctx.skip(!isListableReceiver(transport), "not a ListableReceiver");
      if (!isListableReceiver(transport)) return;
      const first = await transport.send(Envelope.wrap(new ConformanceMessage("list", 1)));
      const second = await transport.send(Envelope.wrap(new ConformanceMessage("list", 2)));
      expect((await transport.all()).map(idOf)).toEqual([idOf(first), idOf(second)]);
      expect(await transport.all(1)).toHaveLength(1);
      const found = await transport.find(idOf(second));
      expect(found?.message).toEqual(new ConformanceMessage("list", 2));
      expect(idOf(found!)).toBe(idOf(second));
      expect(await receive(transport, 2), "listing must not claim").toHaveLength(2);
    });

    it("pages through the listing with after, delayed and claimed messages included (when ListableReceiver)", async (ctx) => {
      ctx.skip(!isListableReceiver(transport), "not a ListableReceiver");
      ctx.skip(!listsClaimedAndDelayed, "the listing holds only ready messages");
      if (!isListableReceiver(transport)) return;
      const sent: Envelope[] = [];
      for (let i = 0; i < 5; i++)
        sent.push(await transport.send(Envelope.wrap(new ConformanceMessage("page", i))));
      if (supportsDelay) {
        for (let i = 5; i < 8; i++) {
          sent.push(
            await transport.send(
              Envelope.wrap(new ConformanceMessage("page", i), [new DelayStamp(3_600_000)]),
            ),
          );
        }
      }
      expect((await receive(transport, 1)).length, "a message claimed").toBeGreaterThan(0);
      const listed = (await transport.all()).map(idOf);
      expect(new Set(listed)).toEqual(new Set(sent.map(idOf)));
      const paged: string[] = [];
      for (let after: string | undefined; ; ) {
        const page = (await transport.all(2, after)).map(idOf);
        expect(page.length, "a page holds at most the limit").toBeLessThanOrEqual(2);
        paged.push(...page);
        if (page.length < 2) break;
        after = page.at(-1);
      }
      expect(paged, "the pages, one after another, are the whole listing").toEqual(listed);
      // The next page starts after a message removed meanwhile (the way failed:remove goes on).
      const removed = await transport.find(listed[1]!);
      await transport.reject(removed!);
      expect((await transport.all(undefined, listed[1])).map(idOf)).toEqual(listed.slice(2));
    });

    it("counts every stored message, delayed and claimed ones too (when StoredMessageCountAware)", async (ctx) => {
      ctx.skip(!isStoredMessageCountAware(transport), "not StoredMessageCountAware");
      if (!isStoredMessageCountAware(transport)) return;
      expect(await transport.getStoredMessageCount()).toBe(0);
      await transport.send(Envelope.wrap(new ConformanceMessage("stored", 1)));
      await transport.send(Envelope.wrap(new ConformanceMessage("stored", 2)));
      if (supportsDelay) {
        await transport.send(Envelope.wrap(new ConformanceMessage("stored", 3), [new DelayStamp(3_600_000)]));
      }
      // A transport may claim more than one per get(); every claimed one is still stored.
      const claimed = await receive(transport, 1);
      expect(claimed.length, "a message claimed").toBeGreaterThan(0);
      expect(await transport.getStoredMessageCount()).toBe(supportsDelay ? 3 : 2);
      if (isListableReceiver(transport)) {
        expect(await transport.getStoredMessageCount(), "the messages all() lists").toBe(
          (await transport.all()).length,
        );
      }
      for (const envelope of claimed) await transport.ack(envelope);
      expect(await transport.getStoredMessageCount()).toBe((supportsDelay ? 3 : 2) - claimed.length);
    });

    it("sends in bulk, keeping order and giving each its own id (when BulkSender)", async (ctx) => {
      ctx.skip(!isBulkSender(transport), "not a BulkSender");
      if (!isBulkSender(transport)) return;
      const messages = [1, 2, 3].map((n) => new ConformanceMessage("bulk", n));
      const sent = await transport.sendMany(messages.map((m) => Envelope.wrap(m)));
      expect(sent.map((e) => e.message)).toEqual(messages);
      expect(new Set(sent.map(idOf)).size).toBe(3);
      const received = await receive(transport, 3);
      expect(received.map(idOf).sort()).toEqual(sent.map(idOf).sort());
    });

    it("accepts keepalive for a claimed message, which can then be acked (when KeepaliveReceiver)", async (ctx) => {
      ctx.skip(!isKeepaliveReceiver(transport), "not a KeepaliveReceiver");
      if (!isKeepaliveReceiver(transport)) return;
      await transport.send(Envelope.wrap(new ConformanceMessage("alive", 1)));
      const [received] = await receive(transport, 1);
      await transport.keepalive(received!);
      await transport.keepalive(received!, 5);
      await expectNothingAvailable(transport, "keepalive must not release the claim");
      await transport.ack(received!);
      await expectNothingAvailable(transport, "an acked message must not come back");
    });

    it("release makes claimed messages available again at once, keepalive included (when ReleasableReceiver)", async (ctx) => {
      ctx.skip(!isReleasableReceiver(transport), "not a ReleasableReceiver");
      if (!isReleasableReceiver(transport)) return;
      await transport.send(Envelope.wrap(new ConformanceMessage("first", 1)));
      await transport.send(Envelope.wrap(new ConformanceMessage("second", 2)));
      const claimed = await receive(transport, 2);
      await transport.ack(claimed[0]!);
      if (isKeepaliveReceiver(transport)) await transport.keepalive(claimed[1]!);
      // The acked one is left alone; the other is claimable at once, by the same id.
      await transport.release(claimed);
      const [again, ...more] = await receive(transport, 1);
      expect(more).toEqual([]);
      expect(idOf(again!)).toBe(idOf(claimed[1]!));
      if (isKeepaliveReceiver(transport)) await transport.keepalive(again!);
      await transport.ack(again!);
      await expectNothingAvailable(transport, "an acked message must not come back");
    });

    it("delivers a claimed message again once the redelivery timeout passes", async (ctx) => {
      const { redeliverAfter, redeliveryTimeout } = current;
      ctx.skip(
        !redeliverAfter || !redeliveryTimeout,
        "the setup gives no redeliverAfter / redeliveryTimeout",
      );
      if (!redeliverAfter || !redeliveryTimeout) return;
      await transport.send(Envelope.wrap(new ConformanceMessage("abandoned", 1)));
      const [claimed] = await receive(transport, 1);
      await redeliverAfter(redeliveryTimeout * 0.5);
      await expectNothingAvailable(transport, "a claim must hold until the redelivery timeout");
      await redeliverAfter(redeliveryTimeout * 0.6);
      const [again] = await receive(transport, 1);
      expect(again?.message).toEqual(new ConformanceMessage("abandoned", 1));
      expect(idOf(again!)).toBe(idOf(claimed!));
      await transport.ack(again!);
      await expectNothingAvailable(transport, "an acked message must not come back");
    });

    it("keepalive pushes the redelivery deadline forward (when KeepaliveReceiver)", async (ctx) => {
      const { redeliverAfter, redeliveryTimeout } = current;
      ctx.skip(
        !isKeepaliveReceiver(transport) || !redeliverAfter || !redeliveryTimeout,
        "needs keepalive + hooks",
      );
      if (!isKeepaliveReceiver(transport) || !redeliverAfter || !redeliveryTimeout) return;
      await transport.send(Envelope.wrap(new ConformanceMessage("long handler", 1)));
      const [claimed] = await receive(transport, 1);
      await redeliverAfter(redeliveryTimeout * 0.6);
      await transport.keepalive(claimed!);
      await redeliverAfter(redeliveryTimeout * 0.6);
      await expectNothingAvailable(transport, "a message kept alive must not be redelivered");
      await redeliverAfter(redeliveryTimeout * 0.6);
      expect(await receive(transport, 1), "without further keepalive the claim expires").toHaveLength(1);
    });

    it("hands out a message that cannot be decoded as an UndecodableMessage, never an error", async (ctx) => {
      const { injectRaw } = current;
      ctx.skip(!injectRaw, "the setup gives no injectRaw");
      if (!injectRaw) return;
      const badJson = '{"text": "cut off';
      await injectRaw(badJson, { type: "conformance.message", "Content-Type": "application/json" });
      await injectRaw('{"text":"x","n":1}', {
        type: "conformance.no_such_type",
        "Content-Type": "application/json",
      });
      await transport.send(Envelope.wrap(new ConformanceMessage("fine", 1)));
      const received = await receive(transport, 3);
      const undecodable = received.filter((e) => e.message instanceof UndecodableMessage);
      expect(undecodable, "both broken messages come back as UndecodableMessage").toHaveLength(2);
      const bodies = undecodable.map((e) => (e.message as UndecodableMessage).body);
      expect(bodies, "the raw body is kept for the failure transport").toContain(badJson);
      for (const envelope of undecodable) {
        expect(envelope.has(MessageDecodingFailedStamp)).toBe(true);
        idOf(envelope);
        await transport.reject(envelope);
      }
      const fine = received.filter((e) => e.message instanceof ConformanceMessage);
      expect(
        fine.map((e) => e.message),
        "a broken message must not hide the others",
      ).toEqual([new ConformanceMessage("fine", 1)]);
      await transport.ack(fine[0]!);
      await expectNothingAvailable(transport, "rejected undecodable messages must not come back");
    });

    it("setup is idempotent and safe to run concurrently (when SetupableTransport)", async (ctx) => {
      ctx.skip(!isSetupableTransport(transport), "not a SetupableTransport");
      if (!isSetupableTransport(transport)) return;
      await Promise.all([transport.setup(), transport.setup()]);
      await transport.setup();
      await transport.send(Envelope.wrap(new ConformanceMessage("after setup", 1)));
      expect(await receive(transport, 1)).toHaveLength(1);
    });

    it("keeps worker heartbeats: beat, list, replace, remove, expiry (when WorkerRegistry)", async (ctx) => {
      ctx.skip(!isWorkerRegistry(transport), "not a WorkerRegistry");
      if (!isWorkerRegistry(transport)) return;
      const registry = transport;
      // Ids of this run only: a registry may be shared (every stream under a Redis prefix).
      const run = `${process.pid}-${Math.random().toString(36).slice(2)}`;
      const heartbeat = (name: string, startedAt: number, handled = 0): WorkerHeartbeat => ({
        id: `conformance-${run}-${name}`,
        host: "conformance-host",
        pid: 4242,
        transports: ["async", "low"],
        concurrency: 3,
        handled,
        failed: 1,
        memory: 123_456_789,
        startedAt,
        lastSeenAt: startedAt + 10,
      });
      const ours = async () =>
        (await registry.listWorkers()).filter((w) => w.id.startsWith(`conformance-${run}-`));
      await registry.beatWorker(heartbeat("b", 2_000), 60_000);
      await registry.beatWorker(heartbeat("a", 1_000), 60_000);
      expect(await ours()).toEqual([heartbeat("a", 1_000), heartbeat("b", 2_000)]);
      await registry.beatWorker(heartbeat("a", 1_000, 7), 60_000);
      await registry.removeWorker(heartbeat("b", 2_000).id);
      await registry.removeWorker(`conformance-${run}-unknown`);
      expect(await ours()).toEqual([heartbeat("a", 1_000, 7)]);

      const clock = current.clock instanceof FakeClock ? current.clock : undefined;
      await registry.beatWorker(heartbeat("short", 3_000), 300);
      expect((await ours()).map((w) => w.id)).toContain(heartbeat("short", 3_000).id);
      if (clock) await clock.advance(300);
      else {
        // The backend's own clock expires it (a TTL, the database's now()): wait for it.
        for (let waited = 0; waited < 10_000; waited += 100) {
          if (!(await ours()).some((w) => w.id === heartbeat("short", 3_000).id)) break;
          await systemClock.sleep(100);
        }
      }
      expect(await ours(), "a worker not beaten within its ttl is gone").toEqual([heartbeat("a", 1_000, 7)]);
      await registry.removeWorker(heartbeat("a", 1_000).id);
      expect(await ours()).toEqual([]);
    });

    it("keeps the paused transports: pause, list, resume, both idempotent (when TransportPauseStore)", async (ctx) => {
      ctx.skip(!isTransportPauseStore(transport), "not a TransportPauseStore");
      if (!isTransportPauseStore(transport)) return;
      const store = transport;
      // Names of this run only: a store may be shared (every stream under a Redis prefix).
      const run = `conformance-${process.pid}-${Math.random().toString(36).slice(2)}`;
      const ours = async () =>
        (await store.getPausedTransports()).filter((name) => name.startsWith(run)).sort();
      expect(await ours()).toEqual([]);
      await transport.pauseTransport(`${run}-a`);
      await transport.pauseTransport(`${run}-a`);
      await transport.pauseTransport(`${run}-b`);
      expect(await ours()).toEqual([`${run}-a`, `${run}-b`]);
      await transport.resumeTransport(`${run}-a`);
      await transport.resumeTransport(`${run}-a`);
      await transport.resumeTransport(`${run}-never-paused`);
      expect(await ours()).toEqual([`${run}-b`]);
      await transport.resumeTransport(`${run}-b`);
      expect(await ours()).toEqual([]);
    });

    it("leases a shared concurrency limit: never more than the limit, concurrent takers included; release and expiry free a slot, renewal keeps it (when ConcurrencyLeaseStore)", async (ctx) => {
      ctx.skip(!isConcurrencyLeaseStore(transport), "not a ConcurrencyLeaseStore");
      if (!isConcurrencyLeaseStore(transport)) return;
      const store = transport;
      const run = `conformance-${process.pid}-${Math.random().toString(36).slice(2)}`;
      const key = `${run}-limit`;
      // Twenty takers at once for three slots: never more than three get one.
      const raced = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.acquireLease(key, 3, `${run}-race-${i}`, 60_000)),
      );
      const winners = raced.flatMap((taken, i) => (taken ? [`${run}-race-${i}`] : []));
      expect(winners.length, "at most the limit").toBeLessThanOrEqual(3);
      expect(winners.length, "a free slot is taken").toBeGreaterThanOrEqual(1);
      // Fill the rest one at a time (a taker that lost a race for a slot asks again).
      for (let i = 0; winners.length < 3 && i < 50; i++) {
        if (await store.acquireLease(key, 3, `${run}-fill-${i}`, 60_000)) winners.push(`${run}-fill-${i}`);
      }
      expect(winners).toHaveLength(3);
      expect(await store.acquireLease(key, 3, `${run}-fourth`, 60_000), "every slot is held").toBe(false);
      await store.releaseLease(key, winners[0]!);
      await store.releaseLease(key, `${run}-never-held`);
      let retaken = false;
      for (let i = 0; !retaken && i < 50; i++)
        retaken = await store.acquireLease(key, 3, `${run}-after-${i}`, 60_000);
      expect(retaken, "a released slot is free again").toBe(true);
      expect(await store.acquireLease(key, 3, `${run}-fifth`, 60_000)).toBe(false);

      // A lease that is not renewed expires (a killed worker); a renewed one is kept.
      const clock = current.clock instanceof FakeClock ? current.clock : undefined;
      const single = `${run}-single`;
      const renewed = `${run}-renewed`;
      expect(await store.acquireLease(single, 1, `${run}-short`, 300)).toBe(true);
      expect(await store.acquireLease(renewed, 1, `${run}-kept`, 300)).toBe(true);
      await store.renewLeases(renewed, [`${run}-kept`], 60_000);
      expect(await store.acquireLease(single, 1, `${run}-other`, 60_000)).toBe(false);
      if (clock) await clock.advance(400);
      let expired = false;
      for (let waited = 0; !expired && waited < 10_000; waited += 100) {
        expired = await store.acquireLease(single, 1, `${run}-next-${waited}`, 60_000);
        if (!expired) await systemClock.sleep(100);
      }
      expect(expired, "an expired lease frees its slot").toBe(true);
      expect(
        await store.acquireLease(renewed, 1, `${run}-taker`, 60_000),
        "a renewed lease holds its slot",
      ).toBe(false);
    });

    it("shares a rate limit between limiters of one key (when SharedRateLimiterFactory)", async (ctx) => {
      ctx.skip(!isSharedRateLimiterFactory(transport), "not a SharedRateLimiterFactory");
      if (!isSharedRateLimiterFactory(transport)) return;
      const key = `conformance-${process.pid}-${Math.random().toString(36).slice(2)}`;
      // Two workers' limiters: 4 permits a minute between them, so the refill during the test is nil.
      const first = transport.createRateLimiter(key, 4, 60_000);
      const second = transport.createRateLimiter(key, 4, 60_000);
      const waits = [
        await first.reserve(),
        await second.reserve(),
        await first.reserve(),
        await second.reserve(),
      ];
      expect(waits, "the four saved-up permits are free").toEqual([0, 0, 0, 0]);
      const fifth = await second.reserve();
      expect(fifth, "the fifth waits for the refill of one permit (15 s)").toBeGreaterThan(10_000);
      expect(fifth).toBeLessThanOrEqual(15_000);
      expect(await first.reserve(), "and the sixth for two").toBeGreaterThan(fifth);
    });

    it("adds up worker throughput per transport and minute, and drops old minutes (when ThroughputStore)", async (ctx) => {
      ctx.skip(!isThroughputStore(transport), "not a ThroughputStore");
      if (!isThroughputStore(transport)) return;
      const store = transport;
      // Transport names of this run only: a store may be shared (every stream under a Redis prefix).
      const run = `${process.pid}-${Math.random().toString(36).slice(2)}`;
      const [a, b] = [`tp-${run}-a`, `tp-${run}-b`];
      const now = systemClock.now();
      const m1 = throughputMinute(now) - THROUGHPUT_BUCKET;
      const m0 = m1 - THROUGHPUT_BUCKET;
      expect(await store.readThroughput([a, b], m0), "nothing recorded yet").toEqual([]);
      await store.recordThroughput(
        [
          { transport: a, minute: m1, handled: 1, failed: 0 },
          { transport: b, minute: m1, handled: 0, failed: 3 },
          { transport: a, minute: m0, handled: 2, failed: 1 },
        ],
        now,
      );
      // Other workers add to the same minute, some at the same moment: counts add up, none is lost.
      await Promise.all(
        Array.from({ length: 5 }, () =>
          store.recordThroughput([{ transport: a, minute: m1, handled: 2, failed: 1 }], now),
        ),
      );
      expect(await store.readThroughput([a], m0)).toEqual([
        { transport: a, minute: m0, handled: 2, failed: 1 },
        { transport: a, minute: m1, handled: 11, failed: 5 },
      ]);
      expect(await store.readThroughput([b, a], m1), "from `since` on, by transport then minute").toEqual([
        { transport: a, minute: m1, handled: 11, failed: 5 },
        { transport: b, minute: m1, handled: 0, failed: 3 },
      ]);
      expect(await store.readThroughput([`tp-${run}-unknown`], m0)).toEqual([]);

      const old = throughputMinute(now - THROUGHPUT_RETENTION) - 2 * THROUGHPUT_BUCKET;
      await store.recordThroughput([{ transport: a, minute: old, handled: 9, failed: 9 }], now);
      expect(
        (await store.readThroughput([a], 0)).map((bucket) => bucket.minute),
        "a minute older than the retention is not kept",
      ).toEqual([m0, m1]);
    });
  });

  // Its own transports, built with a small delivery limit; the tests above run with the default.
  describe(`transport conformance: ${name}, delivery limit ${CONFORMANCE_DELIVERY_LIMIT}`, () => {
    let current: TransportConformanceSetup;
    let transport: Transport;

    beforeEach(async () => {
      current = await setup({ deliveryLimit: CONFORMANCE_DELIVERY_LIMIT });
      transport = current.transport;
    });

    afterEach(async () => {
      await current?.cleanup?.();
    });

    /** The hooks the delivery limit tests need, or the reason to skip them. */
    function hooks(): { expire: () => Promise<void> } | string {
      const { redeliverAfter, redeliveryTimeout, deliveryLimit } = current;
      if (deliveryLimit === undefined)
        return "the setup gives no deliveryLimit (the transport counts no deliveries)";
      if (!redeliverAfter || !redeliveryTimeout)
        return "the setup gives no redeliverAfter / redeliveryTimeout";
      expect(deliveryLimit, "the setup must build the transport with the deliveryLimit asked for").toBe(
        CONFORMANCE_DELIVERY_LIMIT,
      );
      // A claim abandoned by a worker that died: it expires, and the next get() delivers it again.
      return { expire: () => redeliverAfter(redeliveryTimeout * 1.1) };
    }

    it("counts every delivery of an unacked message and marks the one past the limit", async (ctx) => {
      const found = hooks();
      if (typeof found === "string") return ctx.skip(found);
      const sent = await transport.send(Envelope.wrap(new ConformanceMessage("poison", 1)));
      const id = idOf(sent);
      const first = await deliveryOf(transport, id, "first");
      expect(
        first.last(DeliveryLimitExceededStamp),
        "the first delivery is within the limit",
      ).toBeUndefined();
      if (isListableReceiver(transport)) {
        // failed:show and friends read without delivering: they must not count.
        await transport.all();
        await transport.find(id);
      }
      await found.expire();
      const second = await deliveryOf(transport, id, "second");
      expect(second.last(DeliveryLimitExceededStamp), "the limit itself is still allowed").toBeUndefined();
      await found.expire();
      const third = await deliveryOf(transport, id, "third");
      expect(third.message, "a marked delivery still carries its message").toEqual(
        new ConformanceMessage("poison", 1),
      );
      const stamp = third.last(DeliveryLimitExceededStamp);
      expect(stamp, "the delivery past the limit carries DeliveryLimitExceededStamp").toBeDefined();
      expect({ deliveries: stamp!.deliveries, limit: stamp!.limit }).toEqual({
        deliveries: 3,
        limit: CONFORMANCE_DELIVERY_LIMIT,
      });
      // The worker fails it to the failure transport and acks it here: gone, not delivered again.
      await transport.ack(third);
      await expectNothingAvailable(transport, "an acked message must not come back");
      await found.expire();
      await expectNothingAvailable(transport, "an acked message must not come back after the timeout");
    });

    it("does not count a delivery handed back by release (when ReleasableReceiver)", async (ctx) => {
      const found = hooks();
      if (typeof found === "string") return ctx.skip(found);
      if (!isReleasableReceiver(transport)) return ctx.skip("not a ReleasableReceiver");
      const sent = await transport.send(Envelope.wrap(new ConformanceMessage("handed back", 1)));
      const id = idOf(sent);
      // A stopping worker hands back what it did not start, as often as it restarts: more than the limit.
      for (let round = 1; round <= CONFORMANCE_DELIVERY_LIMIT + 1; round++) {
        const delivery = await deliveryOf(transport, id, `released (round ${round})`);
        expect(
          delivery.last(DeliveryLimitExceededStamp),
          "a released delivery must not count",
        ).toBeUndefined();
        await transport.release([delivery]);
      }
      // Counting starts where it was before the releases: two deliveries allowed, the third marked.
      await deliveryOf(transport, id, "first counted");
      await found.expire();
      const second = await deliveryOf(transport, id, "second counted");
      expect(second.last(DeliveryLimitExceededStamp)).toBeUndefined();
      await found.expire();
      const third = await deliveryOf(transport, id, "third counted");
      expect(third.last(DeliveryLimitExceededStamp)?.deliveries).toBe(3);
      await transport.ack(third);
      await expectNothingAvailable(transport, "an acked message must not come back");
    });
  });
}
