import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../clock/clock.js";
import { Envelope } from "../envelope/envelope.js";
import { DelayStamp } from "../stamps/delay-stamp.js";
import { PriorityStamp } from "../stamps/priority-stamp.js";
import { isPriorityAwareReceiver } from "../transport/capabilities/priority-aware-receiver.js";
import { isReleasableReceiver } from "../transport/capabilities/releasable-receiver.js";
import type { Transport } from "../transport/transport.js";
import { ConformanceMessage } from "./conformance-messages.js";
import type { TransportConformanceContext, TransportConformanceSetup } from "./conformance-setup.js";

/** Every delivery, one get() after another, in the order the gets handed them out. */
async function drainInOrder(transport: Transport, count: number): Promise<Envelope[]> {
  const received: Envelope[] = [];
  for (let empty = 0; received.length < count && empty < 5; ) {
    const batch = await transport.get();
    if (batch.length === 0) {
      empty++;
      await systemClock.sleep(10);
    }
    received.push(...batch);
  }
  return received;
}

const nOf = (e: Envelope) => (e.message as ConformanceMessage).n;

/** The per-message priority part of the transport conformance suite (`priority: true`). */
export function describePriorityConformance(
  name: string,
  setup: (context: TransportConformanceContext) => Promise<TransportConformanceSetup>,
): void {
  describe(`transport conformance: ${name}, priority`, () => {
    let current: TransportConformanceSetup;
    let transport: Transport;

    beforeEach(async () => {
      current = await setup({});
      transport = current.transport;
    });

    afterEach(async () => {
      await current?.cleanup?.();
    });

    const send = (n: number, priority: number | undefined, ...more: DelayStamp[]) =>
      transport.send(
        Envelope.wrap(new ConformanceMessage("prio", n), [
          ...(priority === undefined ? [] : [new PriorityStamp(priority)]),
          ...more,
        ]),
      );

    it("says it honours priorities (PriorityAwareReceiver)", () => {
      expect(isPriorityAwareReceiver(transport)).toBe(true);
    });

    it("hands out the highest priority first, then the earliest sent", async () => {
      // n: the order expected. No stamp is priority 0.
      await send(4, undefined);
      await send(2, 5);
      await send(5, 0);
      await send(1, 255);
      await send(3, 5);
      const received = await drainInOrder(transport, 5);
      expect(received.map(nOf)).toEqual([1, 2, 3, 4, 5]);
      expect(received[0]!.last(PriorityStamp)?.priority, "the stamp travels").toBe(255);
    });

    it("a delayed message of high priority waits; a due one of low priority goes first", async () => {
      await send(2, 200, new DelayStamp(3_600_000));
      await send(1, 0);
      const received = await drainInOrder(transport, 2);
      expect(received.map(nOf)).toEqual([1]);
    });

    it("a message handed back keeps its priority (when ReleasableReceiver)", async (ctx) => {
      if (!isReleasableReceiver(transport)) return ctx.skip("not a ReleasableReceiver");
      await send(1, 7);
      await send(2, 3);
      const taken = await drainInOrder(transport, 2);
      expect(taken.map(nOf)).toEqual([1, 2]);
      await transport.release([taken[0]!]);
      await send(3, 5);
      expect((await drainInOrder(transport, 2)).map(nOf), "released: due again, at its priority").toEqual([
        1, 3,
      ]);
    });
  });
}
