import {
  AsMessage,
  DelayStamp,
  defineHandler,
  Envelope,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  TransportNamesStamp,
  WorkerMessageReceivedEvent,
} from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { describe, expect, it } from "vitest";
import {
  FailureEvent,
  InMemoryScheduleStore,
  type LockStore,
  MessageGenerator,
  RecurringMessage,
  RedispatchMessage,
  RedispatchMessageHandler,
  Schedule,
  ScheduledStamp,
  ScheduleRegistry,
  ScheduleTransport,
} from "../src/index.js";
import { harness, START } from "./support/harness.js";
import { RecordingLogger } from "./support/recording-logger.js";

@AsMessage("test.transport.tick")
class Tick {
  constructor(readonly name: string) {}
}

@AsMessage("test.transport.report")
class Report {
  constructor(readonly id: number) {}
}

const second = (envelope: Envelope) => (envelope.last(ScheduledStamp)!.triggeredAt.getTime() - START) / 1000;

describe("the schedule transport consumed by a worker", () => {
  it("handles each run at its time, with a ScheduledStamp describing the run", async () => {
    const handled: Envelope[] = [];
    const schedules = new ScheduleRegistry({ decorated: false }).add(
      "default",
      new Schedule().add(RecurringMessage.every("2 seconds", new Tick("a"))),
    );
    const h = harness({
      schedules,
      handlers: [
        defineHandler(Tick, function record(_m: Tick, ...rest: unknown[]) {
          void rest;
        }),
      ],
    });
    h.messenger.events.on(WorkerMessageReceivedEvent, (event) => {
      handled.push(event.envelope);
    });
    const consumer = h.start(["scheduler_default"]);
    await h.advance(7000);
    await consumer.stop();
    expect(handled.map(second)).toEqual([2, 4, 6]);
    const stamp = handled[0]!.last(ScheduledStamp)!;
    expect(stamp.scheduleName).toBe("default");
    expect(stamp.trigger).toBe("every 2 seconds");
    expect(stamp.messageId).toBe(schedules.getSchedule("default").getRecurringMessages()[0]!.id);
    expect(stamp.nextTriggerAt?.getTime()).toBe(START + 4000);
  });

  it("wakes an idle worker at the next run instead of at its next poll", async () => {
    const handledAt: number[] = [];
    const schedules = new ScheduleRegistry({ decorated: false }).add(
      "default",
      new Schedule().add(RecurringMessage.every(2500, new Tick("a"))),
    );
    const h = harness({ schedules, handlers: [defineHandler(Tick, function record() {})] });
    h.messenger.events.on(WorkerMessageReceivedEvent, () => {
      handledAt.push(h.clock.now() - START);
    });
    const consumer = h.start(["scheduler_default"]);
    // One big step: the worker's own 1 s sleep would handle the 2.5 s run at 3 s.
    await h.clock.advance(6000);
    await consumer.stop();
    expect(handledAt).toEqual([2500, 5000]);
  });

  it("runs the before, after and onFailure hooks; a before hook can cancel a run", async () => {
    const seen: string[] = [];
    const schedule = new Schedule()
      .add(RecurringMessage.every(1000, new Tick("a")))
      .before((event) => {
        const at = event.context.triggeredAt.getTime() - START;
        seen.push(`before ${at}`);
        if (at === 2000) event.shouldCancel(true);
      })
      .after((event) => {
        seen.push(`after ${event.context.triggeredAt.getTime() - START}`);
      })
      .onFailure((event: FailureEvent) => {
        seen.push(
          `failure ${event.context.triggeredAt.getTime() - START} ${event.error.name}: ${event.error.message}`,
        );
      });
    const schedules = new ScheduleRegistry({ decorated: false }).add("default", schedule);
    const handled: number[] = [];
    const h = harness({
      schedules,
      handlers: [
        defineHandler(Tick, function maybeFail() {
          handled.push(h.clock.now() - START);
          if (h.clock.now() - START === 3000) throw new RangeError("out of range");
        }),
      ],
      transports: { scheduler_default: { dsn: "schedule://default", retryStrategy: { maxRetries: 0 } } },
    });
    const consumer = h.start(["scheduler_default"]);
    await h.advance(4000);
    await consumer.stop();
    expect(handled).toEqual([1000, 3000, 4000]);
    expect(seen).toEqual([
      "before 1000",
      "after 1000",
      "before 2000",
      "before 3000",
      "failure 3000 RangeError: out of range",
      "before 4000",
      "after 4000",
    ]);
  });

  it("retries a failed scheduled message in process, then sends it to the failure transport", async () => {
    const attempts: number[] = [];
    const failures: boolean[] = [];
    const schedule = new Schedule()
      .add(RecurringMessage.every("1 hour", new Report(7)))
      .onFailure((event) => {
        failures.push(event.willRetry);
      });
    const h = harness({
      schedules: new ScheduleRegistry({ decorated: false }).add("default", schedule),
      handlers: [
        defineHandler(Report, function alwaysFails() {
          attempts.push(h.clock.now() - START);
          throw new Error("report service down");
        }),
      ],
      transports: {
        scheduler_default: {
          dsn: "schedule://default",
          retryStrategy: { maxRetries: 2, delay: 1000, multiplier: 2, jitter: 0 },
          failureTransport: "failed",
        },
        failed: "fixture://",
      },
    });
    const consumer = h.start(["scheduler_default"]);
    await h.advance(3_600_000 + 5000);
    await consumer.stop();
    // The run, then retries after 1 s and 2 s more.
    expect(attempts).toEqual([3_600_000, 3_601_000, 3_603_000]);
    expect(failures).toEqual([true, true, false]);
    const [parked] = h.fixtures.created.get("failed")!.messages();
    expect(parked!.message).toEqual(new Report(7));
    expect(parked!.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("scheduler_default");
    expect(parked!.last(ScheduledStamp)?.triggeredAt.getTime()).toBe(START + 3_600_000);
    const transport = h.messenger.getTransport("scheduler_default") as ScheduleTransport;
    expect(transport.pendingRetries).toBe(0);
  });

  it("redispatches to a real transport, which retries and then parks the message in its failure transport", async () => {
    const attempts: { second: number; retry: number }[] = [];
    const schedule = new Schedule().add(
      RecurringMessage.every("10 seconds", new RedispatchMessage(new Report(1), "async")),
    );
    const h = harness({
      schedules: new ScheduleRegistry({ decorated: false }).add("default", schedule),
      handlers: [
        RedispatchMessageHandler,
        defineHandler(Report, function alwaysFails(_report: Report) {
          throw new Error("report service down");
        }),
      ],
      transports: {
        async: {
          dsn: "fixture://",
          retryStrategy: { maxRetries: 3, delay: 1000, multiplier: 1, jitter: 0 },
          failureTransport: "failed",
        },
        failed: "fixture://",
      },
    });
    h.messenger.events.on(WorkerMessageReceivedEvent, (event) => {
      if (event.receiverName === "async") {
        attempts.push({
          second: second(event.envelope),
          retry: RedeliveryStamp.getRetryCountFromEnvelope(event.envelope),
        });
      }
    });
    const consumer = h.start(["scheduler_default", "async"]);
    await h.advance(15_000);
    await consumer.stop();
    // Serialized through the real transport: the run's ScheduledStamp came along every time.
    expect(attempts).toEqual([
      { second: 10, retry: 0 },
      { second: 10, retry: 1 },
      { second: 10, retry: 2 },
      { second: 10, retry: 3 },
    ]);
    const async = h.fixtures.created.get("async")!;
    expect(async.sent[0]!.last(TransportNamesStamp)?.transportNames).toEqual(["async"]);
    const parked = h.fixtures.created.get("failed")!.messages();
    expect(parked).toHaveLength(1);
    expect(parked[0]!.message).toEqual(new Report(1));
    expect(parked[0]!.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("async");
    expect(parked[0]!.last(ScheduledStamp)?.scheduleName).toBe("default");
  });

  it("delivers again a message nobody acknowledged, after the redelivery timeout", async () => {
    const logger = new RecordingLogger();
    const schedule = new Schedule()
      .add(RecurringMessage.every(1000, new Tick("a")))
      .stateful(new InMemoryScheduleStore());
    const received: number[] = [];
    const h = harness({
      schedules: new ScheduleRegistry({ decorated: false }).add("default", schedule),
      handlers: [defineHandler(Tick, function noop() {})],
      transports: { scheduler_default: "schedule://default?redeliver_timeout=5" },
      logger,
    });
    let takeOver = true;
    h.messenger.events.on(WorkerMessageReceivedEvent, (event) => {
      received.push(second(event.envelope));
      // A listener takes the first delivery over and never acknowledges it.
      if (takeOver) event.shouldHandle(false);
      takeOver = false;
    });
    const consumer = h.start(["scheduler_default"]);
    await h.advance(8000);
    await consumer.stop();
    // Second 1 is delivered again at 6; nothing else was emitted meanwhile; then the backlog.
    expect(received).toEqual([1, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(logger.messages("warn")).toContain(
      "A scheduled message was neither acknowledged nor rejected in time; delivering it again",
    );
  });

  it("refuses to be sent anything but its own retries", async () => {
    const h = harness({
      schedules: new ScheduleRegistry({ decorated: false }).add("default", new Schedule()),
      handlers: [],
    });
    const transport = h.messenger.getTransport("scheduler_default");
    await expect(transport.send(Envelope.wrap(new Tick("x")))).rejects.toThrow(/receive-only/);
    const foreign = new ScheduledStamp("default", "id", "every 1 second", new Date(), null);
    await expect(transport.send(Envelope.wrap(new Tick("x"), [foreign]))).rejects.toMatchObject({
      code: "SCHEDULE_TRANSPORT_SEND",
    });
  });

  it("still hands over a due retry when the lock store fails", async () => {
    const clock = new FakeClock(START);
    const logger = new RecordingLogger();
    const memory = new InMemoryScheduleStore(clock);
    let failing = false;
    const flaky: LockStore = {
      acquire: (...args) => (failing ? Promise.reject(new Error("store down")) : memory.acquire(...args)),
      release: (...args) => memory.release(...args),
    };
    const schedule = new Schedule().add(RecurringMessage.every(1000, new Tick("a"))).lock(flaky);
    const transport = new ScheduleTransport(new MessageGenerator("default", schedule, { clock }), {
      clock,
      logger,
    });
    expect(await transport.get()).toEqual([]);
    await clock.advance(1000);
    const [envelope] = await transport.get();
    await transport.send(envelope!.with(new DelayStamp(500)));
    await transport.reject(envelope!);
    failing = true;
    await clock.advance(1000);
    const delivered = await transport.get();
    expect(delivered.map((e) => e.last(ScheduledStamp)?.triggeredAt.getTime())).toEqual([START + 1000]);
    expect(logger.messages("error")).toEqual(["Could not compute the schedule's due runs"]);
    // With nothing else to hand over, the error reaches the worker (which logs it), once a second.
    expect(await transport.get()).toEqual([]);
    await clock.advance(1000);
    await expect(transport.get()).rejects.toThrow(/store down/);
  });
});
