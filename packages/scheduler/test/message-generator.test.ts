import { FakeClock } from "@messenger-ts/core/testing";
import { describe, expect, it } from "vitest";
import {
  CallbackMessageProvider,
  CallbackTrigger,
  InMemoryScheduleStore,
  MessageGenerator,
  PeriodicalTrigger,
  RecurringMessage,
  Schedule,
  type ScheduledRun,
} from "../src/index.js";
import { RecordingLogger } from "./support/recording-logger.js";

class Ping {
  constructor(readonly name: string) {}
}

const START = Date.UTC(2024, 0, 1);
const seconds = (n: number) => START + n * 1000;

/** What a run says about itself, for compact assertions. */
const describeRun = (run: ScheduledRun) =>
  `${(run.messages[0] as Ping).name}@${(run.context.triggeredAt.getTime() - START) / 1000}`;

/** Polls and settles everything due, as a worker does: the runs emitted, in order. */
async function drain(generator: MessageGenerator): Promise<string[]> {
  const emitted: string[] = [];
  for (;;) {
    const runs = await generator.getRuns();
    if (runs.length === 0) return emitted;
    for (const run of runs) {
      emitted.push(describeRun(run));
      await generator.settle(run);
    }
  }
}

/** Advances the clock one second at a time, draining at each step. */
async function tick(clock: FakeClock, generator: MessageGenerator, steps: number): Promise<string[]> {
  const emitted: string[] = [];
  for (let i = 0; i < steps; i++) {
    await clock.advance(1000);
    emitted.push(...(await drain(generator)));
  }
  return emitted;
}

describe("MessageGenerator", () => {
  it("emits each run when due, the first one interval after the start", async () => {
    const clock = new FakeClock(START);
    const schedule = new Schedule().add(RecurringMessage.every("2 seconds", new Ping("a")));
    const generator = new MessageGenerator("default", schedule, { clock });
    expect(await drain(generator)).toEqual([]);
    expect(generator.waitUntil).toBe(seconds(2));
    expect(await tick(clock, generator, 6)).toEqual(["a@2", "a@4", "a@6"]);
  });

  it("orders runs due together by time, then by declaration order, with their contexts", async () => {
    const clock = new FakeClock(START);
    const schedule = new Schedule().add(
      RecurringMessage.every(3000, new Ping("slow")),
      RecurringMessage.every(1000, new Ping("fast")),
    );
    const generator = new MessageGenerator("reports", schedule, { clock });
    await drain(generator);
    await clock.advance(3000);
    const runs = await generator.getRuns();
    expect(runs.map(describeRun)).toEqual(["fast@1", "fast@2", "slow@3", "fast@3"]);
    const [first] = runs;
    expect(first!.context.name).toBe("reports");
    expect(first!.context.id).toBe(schedule.getRecurringMessages()[1]!.id);
    expect(first!.context.nextTriggerAt?.getTime()).toBe(seconds(2));
  });

  it("emits nothing more until the batch it handed out is settled", async () => {
    const clock = new FakeClock(START);
    const generator = new MessageGenerator(
      "default",
      new Schedule().add(RecurringMessage.every(1000, new Ping("a"))),
      {
        clock,
      },
    );
    await drain(generator);
    await clock.advance(1000);
    const [run] = await generator.getRuns();
    await clock.advance(5000);
    expect(await generator.getRuns()).toEqual([]);
    expect(generator.hasPendingRuns).toBe(true);
    await generator.settle(run!);
    expect((await generator.getRuns()).map(describeRun)).toEqual(["a@2", "a@3", "a@4", "a@5", "a@6"]);
  });

  it("caps a batch at batchSize and hands out the rest at the next poll", async () => {
    const clock = new FakeClock(START);
    const schedule = new Schedule().add(RecurringMessage.every(1000, new Ping("a")));
    const generator = new MessageGenerator("default", schedule, { clock, batchSize: 2 });
    await drain(generator);
    await clock.advance(5000);
    const first = await generator.getRuns();
    expect(first.map(describeRun)).toEqual(["a@1", "a@2"]);
    for (const run of first) await generator.settle(run);
    expect(await drain(generator)).toEqual(["a@3", "a@4", "a@5"]);
  });

  describe("stateless", () => {
    it("never replays the runs missed while no worker ran", async () => {
      const clock = new FakeClock(START);
      const schedule = () => new Schedule().add(RecurringMessage.every(1000, new Ping("a")));
      const first = new MessageGenerator("default", schedule(), { clock });
      await drain(first);
      expect(await tick(clock, first, 2)).toEqual(["a@1", "a@2"]);
      await clock.advance(10_000);
      const restarted = new MessageGenerator("default", schedule(), { clock });
      expect(await drain(restarted)).toEqual([]);
      // Anchored at its own start (second 12): the next run is at 13.
      expect(await tick(clock, restarted, 2)).toEqual(["a@13", "a@14"]);
    });
  });

  describe("stateful", () => {
    function setup(onlyLastMissedRun = false) {
      const clock = new FakeClock(START);
      const store = new InMemoryScheduleStore(clock);
      const generator = () =>
        new MessageGenerator(
          "default",
          new Schedule()
            .add(RecurringMessage.every(10_000, new Ping("a")), RecurringMessage.every(15_000, new Ping("b")))
            .stateful(store)
            .processOnlyLastMissedRun(onlyLastMissedRun),
          { clock },
        );
      return { clock, store, generator };
    }

    it("after downtime, replays every missed run once, in order, and repeats none that finished", async () => {
      const { clock, generator } = setup();
      const first = generator();
      await drain(first);
      expect(await tick(clock, first, 31)).toEqual(["a@10", "b@15", "a@20", "a@30", "b@30"]);
      // Down from second 31 to second 74.
      await clock.advance(43_000);
      const restarted = generator();
      expect(await drain(restarted)).toEqual(["a@40", "b@45", "a@50", "a@60", "b@60", "a@70"]);
      expect(await tick(clock, restarted, 16)).toEqual(["b@75", "a@80", "a@90", "b@90"]);
    });

    it("with processOnlyLastMissedRun, emits one catch-up run per message (the earliest missed) and goes on", async () => {
      const { clock, generator } = setup(true);
      const first = generator();
      await drain(first);
      expect(await tick(clock, first, 31)).toEqual(["a@10", "b@15", "a@20", "a@30", "b@30"]);
      await clock.advance(43_000);
      const restarted = generator();
      const runs = await restarted.getRuns();
      expect(runs.map(describeRun)).toEqual(["a@40", "b@45"]);
      // Their next runs skip the other missed ones: on schedule from now on.
      expect(runs.map((r) => (r.context.nextTriggerAt!.getTime() - START) / 1000)).toEqual([80, 75]);
      for (const run of runs) await restarted.settle(run);
      expect(await tick(clock, restarted, 16)).toEqual(["b@75", "a@80", "a@90", "b@90"]);
    });

    it("with processOnlyLastMissedRun, still emits a run that is due right now besides the catch-up", async () => {
      const { clock, generator } = setup(true);
      const first = generator();
      await drain(first);
      await tick(clock, first, 31);
      await clock.advance(44_000);
      expect(await drain(generator())).toEqual(["a@40", "b@45", "b@75"]);
    });

    it("keeps the cadence anchored at the first start across restarts", async () => {
      const { clock, generator } = setup();
      await clock.advance(3_000);
      const first = generator();
      await drain(first);
      expect(await tick(clock, first, 14)).toEqual(["a@13"]);
      await clock.advance(5_500);
      const restarted = generator();
      expect(await drain(restarted)).toEqual(["b@18"]);
      expect(await tick(clock, restarted, 6)).toEqual(["a@23"]);
    });

    it("runs again, on restart, a run handed out but never settled (at-least-once)", async () => {
      const { clock, generator } = setup();
      const first = generator();
      await drain(first);
      await clock.advance(10_000);
      expect((await first.getRuns()).map(describeRun)).toEqual(["a@10"]);
      // The worker dies while handling it.
      await clock.advance(2_000);
      expect(await drain(generator())).toEqual(["a@10"]);
    });

    it("resumes between two runs due at the same time when only the first was settled", async () => {
      const { clock, generator } = setup();
      const first = generator();
      await drain(first);
      await clock.advance(30_000);
      const runs = await first.getRuns();
      expect(runs.map(describeRun)).toEqual(["a@10", "b@15", "a@20", "a@30", "b@30"]);
      for (const run of runs.slice(0, 4)) await first.settle(run);
      expect(await drain(generator())).toEqual(["b@30"]);
    });
  });

  describe("with a lock", () => {
    function setup(stateful: boolean) {
      const clock = new FakeClock(START);
      const store = new InMemoryScheduleStore(clock);
      const worker = () => {
        const schedule = new Schedule()
          .add(RecurringMessage.every(1000, new Ping("a")))
          .lock(store, { ttl: 5_000, retryInterval: 1_000 });
        if (stateful) schedule.stateful(store);
        return new MessageGenerator("default", schedule, { clock });
      };
      return { clock, store, worker };
    }

    async function tickAll(clock: FakeClock, workers: MessageGenerator[], steps: number) {
      const emitted: string[][] = workers.map(() => []);
      for (let i = 0; i < steps; i++) {
        await clock.advance(1000);
        for (const [n, worker] of workers.entries()) emitted[n]!.push(...(await drain(worker)));
      }
      return emitted;
    }

    it("lets only the holder emit: three workers, each run once", async () => {
      const { clock, worker } = setup(false);
      const workers = [worker(), worker(), worker()];
      for (const w of workers) await drain(w);
      const emitted = await tickAll(clock, workers, 10);
      expect(emitted.flat()).toEqual(["a@1", "a@2", "a@3", "a@4", "a@5", "a@6", "a@7", "a@8", "a@9", "a@10"]);
      expect(emitted[0]).toHaveLength(10);
    });

    it("hands the schedule over without a gap or a repeat when the holder closes (stateful)", async () => {
      const { clock, worker } = setup(true);
      const [a, b] = [worker(), worker()];
      await drain(a);
      await drain(b);
      const before = await tickAll(clock, [a, b], 3);
      await a.close();
      const after = await tickAll(clock, [b], 3);
      expect([...before.flat(), ...after.flat()]).toEqual(["a@1", "a@2", "a@3", "a@4", "a@5", "a@6"]);
      expect(after[0]).toEqual(["a@4", "a@5", "a@6"]);
    });

    it("after a crashed holder's lock expires, another worker replays what it missed (stateful)", async () => {
      const { clock, worker } = setup(true);
      const [a, b] = [worker(), worker()];
      await drain(a);
      await drain(b);
      const before = await tickAll(clock, [a, b], 2);
      // `a` dies without closing: its lock runs out 5 s after its last renewal.
      const after = await tickAll(clock, [b], 8);
      expect(before.flat()).toEqual(["a@1", "a@2"]);
      expect(after[0]).toEqual(["a@3", "a@4", "a@5", "a@6", "a@7", "a@8", "a@9", "a@10"]);
    });

    it("without a store, the new holder starts from now and replays nothing (as in Symfony)", async () => {
      const { clock, worker } = setup(false);
      const [a, b] = [worker(), worker()];
      await drain(a);
      await drain(b);
      await tickAll(clock, [a, b], 2);
      const after = await tickAll(clock, [b], 10);
      expect(after[0]!.length).toBeGreaterThan(0);
      expect(after[0]).not.toContain("a@3");
      expect(after[0]).not.toContain("a@4");
    });
  });

  it("picks up messages added while it runs", async () => {
    const clock = new FakeClock(START);
    const schedule = new Schedule().add(RecurringMessage.every(1000, new Ping("a")));
    const generator = new MessageGenerator("default", schedule, { clock });
    await drain(generator);
    expect(await tick(clock, generator, 2)).toEqual(["a@1", "a@2"]);
    schedule.add(RecurringMessage.every(2000, new Ping("b")));
    // Anchored at the schedule's start like the others: its slot at second 2 is due now.
    expect(await drain(generator)).toEqual(["b@2"]);
    expect(await tick(clock, generator, 4)).toEqual(["a@3", "a@4", "b@4", "a@5", "a@6", "b@6"]);
    schedule.removeById(schedule.getRecurringMessages()[0]!.id);
    expect(await tick(clock, generator, 2)).toEqual(["b@8"]);
  });

  it("runs a custom trigger: any object with getNextRunDate(after) and a description", async () => {
    const clock = new FakeClock(START);
    // Every 3 s, but never in the 5th second of a 10 s window.
    const custom = {
      description: "every 3 s except second 5 of each 10",
      getNextRunDate(after: Date): Date {
        let next = (Math.floor(after.getTime() / 3000) + 1) * 3000;
        if (Math.floor(next / 1000) % 10 === 5) next += 3000;
        return new Date(next);
      },
    };
    const schedule = new Schedule().add(RecurringMessage.trigger(custom, new Ping("c")));
    const generator = new MessageGenerator("default", schedule, { clock });
    await drain(generator);
    expect(await tick(clock, generator, 20)).toEqual(["c@3", "c@6", "c@9", "c@12", "c@18"]);
    expect(schedule.getRecurringMessages()[0]!.trigger.description).toBe(
      "every 3 s except second 5 of each 10",
    );
  });

  it("skips what a provider returns that is not a message, and a provider that throws, loudly", async () => {
    const clock = new FakeClock(START);
    const logger = new RecordingLogger();
    let calls = 0;
    const provider = new CallbackMessageProvider(() => {
      calls++;
      if (calls === 1) return ["not a message" as unknown as object, new Ping("ok")];
      throw new Error("provider down");
    }, "flaky");
    const generator = new MessageGenerator(
      "default",
      new Schedule().add(RecurringMessage.trigger(new PeriodicalTrigger(1000), provider)),
      {
        clock,
        logger,
      },
    );
    await drain(generator);
    await clock.advance(2000);
    const runs = await generator.getRuns();
    expect(runs.map((r) => r.messages)).toEqual([[new Ping("ok")], []]);
    expect(logger.messages("error")).toEqual([
      "The message provider returned values that are not messages (objects); they are skipped",
      "The message provider failed; this run sends nothing",
    ]);
  });

  it("drops a trigger that does not move forward, loudly, and keeps the others", async () => {
    const clock = new FakeClock(START);
    const logger = new RecordingLogger();
    const stuck = new CallbackTrigger(
      (after) => new Date(Math.min(after.getTime() + 1000, seconds(2))),
      "stuck",
    );
    const schedule = new Schedule().add(
      RecurringMessage.trigger(stuck, new Ping("stuck")),
      RecurringMessage.every(1000, new Ping("ok")),
    );
    const generator = new MessageGenerator("default", schedule, { clock, logger });
    await drain(generator);
    expect(await tick(clock, generator, 4)).toEqual(["stuck@1", "ok@1", "stuck@2", "ok@2", "ok@3", "ok@4"]);
    expect(logger.messages("error")).toEqual([
      "The trigger failed; the recurring message is removed from this worker's schedule",
    ]);
  });
});
