import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../clock/clock.js";
import { Envelope } from "../envelope/envelope.js";
import { DeduplicateStamp } from "../stamps/deduplicate-stamp.js";
import { DeduplicatedStamp } from "../stamps/deduplicated-stamp.js";
import { DelayStamp } from "../stamps/delay-stamp.js";
import { RedeliveryStamp } from "../stamps/redelivery-stamp.js";
import { TransportMessageIdStamp } from "../stamps/transport-message-id-stamp.js";
import { isDeduplicatingSender } from "../transport/capabilities/deduplicating-sender.js";
import { isListableReceiver } from "../transport/capabilities/listable-receiver.js";
import { isMessageCountAware } from "../transport/capabilities/message-count-aware.js";
import { isStoredMessageCountAware } from "../transport/capabilities/stored-message-count-aware.js";
import type { Transport } from "../transport/transport.js";
import { ConformanceMessage } from "./conformance-messages.js";
import type { TransportConformanceContext, TransportConformanceSetup } from "./conformance-setup.js";
import { FakeClock } from "./fake-clock.js";

/** Every delivery get() hands out until it comes back empty a few times in a row. */
async function drain(transport: Transport): Promise<Envelope[]> {
  const received: Envelope[] = [];
  for (let empty = 0; empty < 3; ) {
    const batch = await transport.get();
    if (batch.length === 0) {
      empty++;
      await systemClock.sleep(10);
    }
    received.push(...batch);
  }
  return received;
}

const textOf = (e: Envelope) => (e.message as ConformanceMessage).text;
const idOf = (e: Envelope) => String(e.last(TransportMessageIdStamp)?.id);

/**
 * The deduplication part of the transport conformance suite (`deduplication: true`). Time passes
 * through the setup's `letTimePass`, else its `FakeClock`, else real waits with wide margins.
 */
export function describeDeduplicationConformance(
  name: string,
  setup: (context: TransportConformanceContext) => Promise<TransportConformanceSetup>,
): void {
  describe(`transport conformance: ${name}, deduplication`, () => {
    let current: TransportConformanceSetup;
    let transport: Transport;

    beforeEach(async () => {
      current = await setup({});
      transport = current.transport;
    });

    afterEach(async () => {
      await current?.cleanup?.();
    });

    /** Lets `ms` pass for due times and deduplication deadlines. */
    async function pass(ms: number): Promise<void> {
      if (current.letTimePass) return current.letTimePass(ms);
      if (current.clock instanceof FakeClock) return current.clock.advance(ms);
      await systemClock.sleep(ms);
    }
    /** A ttl the test can let pass: short for real waits, long when time is simulated. */
    const ttl = () => (current.letTimePass || current.clock instanceof FakeClock ? 60_000 : 1_500);

    const send = (text: string, stamp: DeduplicateStamp, ...more: DelayStamp[]) =>
      transport.send(Envelope.wrap(new ConformanceMessage(text, 1), [stamp, ...more]));

    async function stored(): Promise<number | undefined> {
      return isStoredMessageCountAware(transport) ? transport.getStoredMessageCount() : undefined;
    }

    it("says it deduplicates (DeduplicatingSender)", () => {
      expect(isDeduplicatingSender(transport)).toBe(true);
    });

    it("preserve: stores the first message with a key and drops the next ones, saying so", async () => {
      const first = await send("first", new DeduplicateStamp("k", ttl()));
      const second = await send("second", new DeduplicateStamp("k", ttl()));
      const third = await send("third", new DeduplicateStamp("k", ttl()));
      const other = await send("other key", new DeduplicateStamp("other", ttl()));
      expect(first.has(DeduplicatedStamp), "the first one is stored").toBe(false);
      expect(other.has(DeduplicatedStamp)).toBe(false);
      for (const dropped of [second, third]) {
        const stamp = dropped.last(DeduplicatedStamp);
        expect(stamp, "a dropped send carries DeduplicatedStamp").toBeDefined();
        expect({ key: stamp!.key, mode: stamp!.mode, replaced: stamp!.replaced }).toEqual({
          key: "k",
          mode: "preserve",
          replaced: false,
        });
        if (stamp!.messageId !== undefined) expect(String(stamp!.messageId)).toBe(idOf(first));
      }
      const received = await drain(transport);
      expect(received.map(textOf).sort()).toEqual(["first", "other key"]);
      const count = await stored();
      if (count !== undefined) expect(count).toBe(2);
    });

    it("stores one message when many producers send one key at the same instant", async () => {
      const producers = [transport];
      if (current.anotherProducer) {
        for (let i = 0; i < 3; i++) producers.push(await current.anotherProducer());
      }
      const sends = Array.from({ length: 24 }, (_, n) =>
        producers[n % producers.length]!.send(
          Envelope.wrap(new ConformanceMessage(`racer ${n}`, n), [new DeduplicateStamp("race", ttl())]),
        ),
      );
      const results = await Promise.all(sends);
      const kept = results.filter((e) => !e.has(DeduplicatedStamp));
      expect(kept, "exactly one send stored its message").toHaveLength(1);
      const received = await drain(transport);
      expect(received.map(textOf)).toEqual([textOf(kept[0]!)]);
      expect(idOf(received[0]!)).toBe(idOf(kept[0]!));
    });

    it("releases the key when the message is handled (acked), not when it is taken", async () => {
      await send("first", new DeduplicateStamp("k", ttl()));
      const [taken] = await drain(transport);
      expect((await send("while handled", new DeduplicateStamp("k", ttl()))).has(DeduplicatedStamp)).toBe(
        true,
      );
      await transport.ack(taken!);
      expect((await send("after", new DeduplicateStamp("k", ttl()))).has(DeduplicatedStamp)).toBe(false);
      expect((await drain(transport)).map(textOf)).toEqual(["after"]);
    });

    it("releases the key when a rejected message leaves the queue", async () => {
      await send("first", new DeduplicateStamp("k", ttl()));
      const [taken] = await drain(transport);
      await transport.reject(taken!);
      expect((await send("after", new DeduplicateStamp("k", ttl()))).has(DeduplicatedStamp)).toBe(false);
    });

    it("onlyDeduplicateInQueue: releases the key when a worker takes the message", async () => {
      await send("first", new DeduplicateStamp("k", ttl(), true));
      expect((await send("queued", new DeduplicateStamp("k", ttl(), true))).has(DeduplicatedStamp)).toBe(
        true,
      );
      const [taken] = await drain(transport);
      expect(textOf(taken!)).toBe("first");
      const next = await send("while handled", new DeduplicateStamp("k", ttl(), true));
      expect(next.has(DeduplicatedStamp), "taken by a worker, it is no longer in the queue").toBe(false);
      await transport.ack(taken!);
      expect((await drain(transport)).map(textOf)).toEqual(["while handled"]);
    });

    it("a key held longer than its ttl is released; the message holding it stays", async () => {
      await send("first", new DeduplicateStamp("k", ttl()));
      await pass(ttl() / 2);
      expect((await send("within", new DeduplicateStamp("k", ttl()))).has(DeduplicatedStamp)).toBe(true);
      await pass(ttl() / 2 + 200);
      expect((await send("after", new DeduplicateStamp("k", ttl()))).has(DeduplicatedStamp)).toBe(false);
      expect((await drain(transport)).map(textOf).sort()).toEqual(["after", "first"]);
    });

    it("stores a retry copy (RedeliveryStamp) although its key is held", async () => {
      await send("first", new DeduplicateStamp("k", ttl()));
      const [taken] = await drain(transport);
      const retry = await transport.send(
        Envelope.wrap(new ConformanceMessage("retry", 1), [
          new DeduplicateStamp("k", ttl()),
          new RedeliveryStamp(1),
        ]),
      );
      expect(retry.has(DeduplicatedStamp)).toBe(false);
      await transport.reject(taken!);
      expect((await drain(transport)).map(textOf)).toEqual(["retry"]);
    });

    it("replace: the waiting message gives way to the new body and due time; send names the stored one", async () => {
      await send("first", new DeduplicateStamp("k", ttl(), false, "replace"), new DelayStamp(3_600_000));
      const second = await send("second", new DeduplicateStamp("k", ttl(), false, "replace"));
      const stamp = second.last(DeduplicatedStamp);
      expect({ replaced: stamp?.replaced, mode: stamp?.mode }).toEqual({ replaced: true, mode: "replace" });
      expect(String(stamp?.messageId)).toBe(idOf(second));
      const [taken, ...more] = await drain(transport);
      expect(more).toEqual([]);
      expect(textOf(taken!), "due now, with the new body").toBe("second");
      // The same stored message on the SQL and memory transports; a new stream entry on Redis.
      expect(idOf(taken!), "the id send returned").toBe(idOf(second));
      // Taken by a worker, the key is free: the next dispatch is a message of its own.
      const third = await send("third", new DeduplicateStamp("k", ttl(), false, "replace"));
      expect(third.has(DeduplicatedStamp)).toBe(false);
      await transport.ack(taken!);
      expect((await drain(transport)).map(textOf)).toEqual(["third"]);
    });

    it("debounce: runs ttl after the last dispatch, with the last body", async () => {
      const t = ttl();
      const stamp = () => new DeduplicateStamp("k", t, false, "debounce");
      await send("first", stamp());
      await pass(t * 0.6);
      const second = await send("second", stamp());
      expect(second.last(DeduplicatedStamp)?.replaced).toBe(true);
      await pass(t * 0.6);
      expect(await drain(transport), "the second dispatch pushed the due time").toEqual([]);
      await pass(t * 0.6);
      expect((await drain(transport)).map(textOf)).toEqual(["second"]);
    });

    it("throttle: drops sends for the whole ttl, even after the message was handled", async () => {
      const t = ttl();
      const stamp = () => new DeduplicateStamp("k", t, false, "throttle");
      await send("first", stamp());
      const [taken] = await drain(transport);
      await transport.ack(taken!);
      const again = await send("again", stamp());
      expect(again.last(DeduplicatedStamp)?.mode).toBe("throttle");
      expect(await drain(transport), "nothing stored").toEqual([]);
      // What keeps the key is no message: nothing counts, lists or finds it.
      if (isMessageCountAware(transport)) expect(await transport.getMessageCount()).toBe(0);
      const count = await stored();
      if (count !== undefined) expect(count).toBe(0);
      if (isListableReceiver(transport)) {
        expect(await transport.all()).toEqual([]);
        expect(await transport.find(idOf(taken!))).toBeUndefined();
      }
      await pass(t + 200);
      expect((await send("next window", stamp())).has(DeduplicatedStamp)).toBe(false);
      expect((await drain(transport)).map(textOf)).toEqual(["next window"]);
    });
  });
}
