import "reflect-metadata";
import {
  AsMessage,
  createMessenger,
  createWorker,
  DelayStamp,
  defineHandler,
  ErrorDetailsStamp,
  type Messenger,
  ReceivedStamp,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  WorkerMessageRetriedEvent,
  WorkerRunningEvent,
} from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { type InMemoryTransport, InMemoryTransportFactory } from "@messenger-ts/transport-memory";
import { describe, expect, it } from "vitest";

@AsMessage("tests.failure_path.charge_card")
class ChargeCard {
  constructor(
    readonly orderId: string,
    readonly amount: bigint,
  ) {}
}

/** Consumes until a round finds nothing due (the fake clock does not move by itself). */
async function consumeUntilIdle(messenger: Messenger, receivers: string[]): Promise<void> {
  const worker = createWorker(messenger, { receivers, sleep: 1_000 });
  messenger.events.on(WorkerRunningEvent, (e) => {
    if (e.isWorkerIdle && e.worker === worker) e.worker.stop();
  });
  await worker.run();
}

describe("one message through bus, worker, listeners and in-memory transports", () => {
  it("is retried with the configured delays, lands in the failure transport, and is handled from there", async () => {
    const clock = new FakeClock(new Date("2026-11-28T10:00:00Z"));
    let failing = true;
    const charged: string[] = [];
    const messenger = createMessenger({
      clock,
      transportFactories: [new InMemoryTransportFactory()],
      transports: {
        async: {
          dsn: "in-memory://?serialize=true",
          retryStrategy: { maxRetries: 2, delay: 1_000, multiplier: 3, jitter: 0 },
        },
        failed: { dsn: "in-memory://?serialize=true", retryStrategy: { maxRetries: 0 } },
      },
      failureTransport: "failed",
      routing: { "tests.failure_path.charge_card": "async" },
      handlers: [
        defineHandler(ChargeCard, function chargeCard(message: ChargeCard) {
          if (failing) throw new Error(`card declined for ${message.orderId}`);
          charged.push(message.orderId);
        }),
      ],
    });
    const retried: number[] = [];
    messenger.events.on(
      WorkerMessageRetriedEvent,
      (e) => void retried.push(e.envelope.last(DelayStamp)!.delay),
    );
    const async = messenger.getTransport("async") as InMemoryTransport;
    const failed = messenger.getTransport("failed") as InMemoryTransport;

    await messenger.bus.dispatch(new ChargeCard("order-42", 1999n));
    expect(await async.getMessageCount()).toBe(1);

    // Attempt 1 fails: a copy waits 1000 ms (delay × 3^0) with retry count 1.
    await consumeUntilIdle(messenger, ["async"]);
    let [waiting] = await async.all();
    expect(waiting!.last(RedeliveryStamp)?.retryCount).toBe(1);
    expect(waiting!.last(DelayStamp)?.delay).toBe(1_000);
    expect(await async.getMessageCount()).toBe(0); // not due yet

    await clock.advance(999);
    await consumeUntilIdle(messenger, ["async"]);
    expect(retried).toEqual([1_000]); // nothing ran early

    // Attempt 2 fails after the delay: the next copy waits 3000 ms (delay × 3^1).
    await clock.advance(1);
    await consumeUntilIdle(messenger, ["async"]);
    [waiting] = await async.all();
    expect(waiting!.last(RedeliveryStamp)?.retryCount).toBe(2);
    expect(retried).toEqual([1_000, 3_000]);

    // Attempt 3 fails: retries are used up, so it goes to the failure transport.
    await clock.advance(3_000);
    await consumeUntilIdle(messenger, ["async"]);
    expect(await async.all()).toHaveLength(0);
    const [parked] = await failed.all();
    expect(parked!.message).toEqual(new ChargeCard("order-42", 1999n));
    expect(parked!.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("async");
    expect(parked!.last(RedeliveryStamp)?.retryCount).toBe(0);
    const details = parked!.last(ErrorDetailsStamp)!;
    expect(details.errorClass).toBe("Error");
    expect(details.errorMessage).toBe("card declined for order-42");
    expect(details.stack).toContain("chargeCard");
    expect(parked!.all(ErrorDetailsStamp)).toHaveLength(1); // the same error is recorded once
    expect(charged).toEqual([]);

    // The card works again: consuming the failure transport handles it, as from "async".
    failing = false;
    await consumeUntilIdle(messenger, ["failed"]);
    expect(charged).toEqual(["order-42"]);
    expect(await failed.all()).toHaveLength(0);
    expect(failed.getAcknowledged()).toHaveLength(1);
    expect(
      failed
        .getAcknowledged()[0]!
        .all(ReceivedStamp)
        .map((s) => s.transportName),
    ).toEqual(["failed", "async"]);
  });
});
