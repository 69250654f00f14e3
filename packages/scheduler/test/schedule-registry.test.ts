import {
  EventDispatcher,
  JsonSerializer,
  nullLogger,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { describe, expect, it } from "vitest";
import {
  describeSchedules,
  MessageContext,
  PeriodicalTrigger,
  PreRunEvent,
  RecurringMessage,
  RedispatchMessage,
  Schedule,
  ScheduleRegistry,
  ScheduleTransport,
  ScheduleTransportFactory,
} from "../src/index.js";

class Digest {}
class Cleanup {
  constructor(readonly days: number) {}
}

function context(name: string): TransportFactoryContext {
  return {
    name,
    serializer: new JsonSerializer(),
    clock: new FakeClock(),
    logger: nullLogger,
    bus: () => {
      throw new Error("no bus");
    },
    connections: {},
  };
}

describe("ScheduleRegistry", () => {
  it("resolves each schedule once and names its transports scheduler_<name>", () => {
    let built = 0;
    const registry = new ScheduleRegistry({ decorated: false })
      .add("nightly", {
        getSchedule: () => {
          built++;
          return new Schedule().add(RecurringMessage.every("1 day", new Digest()));
        },
      })
      .add("default", new Schedule());
    expect(registry.names()).toEqual(["default", "nightly"]);
    expect(registry.getSchedule("nightly")).toBe(registry.getSchedule("nightly"));
    expect(built).toBe(1);
    expect(registry.transports()).toEqual({
      scheduler_default: "schedule://default",
      scheduler_nightly: "schedule://nightly",
    });
    expect(() => registry.getSchedule("weekly")).toThrow(
      /No schedule named "weekly"; schedules: default, nightly/,
    );
    expect(() => registry.add("default", new Schedule())).toThrow(/already registered/);
    expect(() => registry.add("bad name", new Schedule())).toThrow(/Invalid schedule name/);
  });

  it("rejects duplicated recurring messages in a schedule", () => {
    const schedule = new Schedule().add(RecurringMessage.every("1 hour", new Cleanup(30)));
    expect(() => schedule.add(RecurringMessage.every("1 hour", new Cleanup(30)))).toThrow(
      /Duplicated schedule message/,
    );
    // Another argument, another trigger: other ids.
    schedule.add(
      RecurringMessage.every("1 hour", new Cleanup(7)),
      RecurringMessage.every("2 hours", new Cleanup(30)),
    );
    expect(schedule.getRecurringMessages()).toHaveLength(3);
    schedule.setRestart(false);
    schedule.remove(schedule.getRecurringMessages()[0]!);
    expect(schedule.shouldRestart()).toBe(true);
    schedule.clear();
    expect(schedule.getRecurringMessages()).toEqual([]);
  });
});

describe("Schedule hooks", () => {
  it("hear only their own schedule (and its with() copies) on a shared dispatcher", async () => {
    const events = new EventDispatcher();
    const heard: string[] = [];
    const a = new Schedule(events).before(() => {
      heard.push("a");
    });
    const b = new Schedule(events).before(() => {
      heard.push("b");
    });
    const copy = a.with(RecurringMessage.every(1000, new Digest()));
    const context = new MessageContext("x", "id", new PeriodicalTrigger(1000), new Date(), null);
    await events.dispatch(new PreRunEvent(b, context, new Digest()));
    await events.dispatch(new PreRunEvent(copy, context, new Digest()));
    expect(heard).toEqual(["b", "a"]);
    expect(a.getRecurringMessages()).toHaveLength(0);
    expect(copy.getRecurringMessages()).toHaveLength(1);
  });
});

describe("ScheduleTransportFactory", () => {
  const registry = new ScheduleRegistry({ decorated: false }).add("MixedCase", new Schedule());

  it("builds schedule://<name> transports, keeping the name's case", () => {
    const factory = new ScheduleTransportFactory(registry);
    expect(factory.supports("schedule://MixedCase")).toBe(true);
    expect(factory.supports("sync://")).toBe(false);
    const transport = factory.createTransport(
      "schedule://MixedCase?redeliver_timeout=0.5",
      { batch_size: 10 },
      context("scheduler_MixedCase"),
    );
    expect(transport).toBeInstanceOf(ScheduleTransport);
    expect(transport.scheduleName).toBe("MixedCase");
    expect(transport.redeliveryTimeout).toBe(500);
  });

  it("rejects unknown schedules and options, naming what is allowed", () => {
    const factory = new ScheduleTransportFactory(registry);
    expect(() => factory.createTransport("schedule://other", {}, context("s"))).toThrow(
      /No schedule named "other"; schedules: MixedCase/,
    );
    expect(() => factory.createTransport("schedule://MixedCase?lock=1", {}, context("s"))).toThrow(
      /Unknown option "lock".*allowed: redeliver_timeout, batch_size/,
    );
    expect(() => factory.createTransport("schedule://MixedCase", { batch_size: 0 }, context("s"))).toThrow(
      /"batch_size".*a whole number from 1 to 100000/,
    );
  });
});

describe("describeSchedules (the data of debug:scheduler)", () => {
  it("lists each recurring message with its trigger, provider and next run dates from a date", () => {
    const registry = new ScheduleRegistry({ decorated: false })
      .add(
        "default",
        new Schedule().add(
          RecurringMessage.cron("0 3 * * *", new Digest(), "Europe/Paris"),
          RecurringMessage.every("10 minutes", new RedispatchMessage(new Cleanup(30), "async"), {
            from: "2024-01-01T00:00:00Z",
            until: "2024-01-01T00:25:00Z",
          }),
        ),
      )
      .add("empty", new Schedule());
    const [schedule, empty] = describeSchedules(registry, { date: "2024-01-01T00:05:00Z", count: 3 });
    expect(empty).toEqual({ name: "empty", messages: [] });
    expect(schedule!.name).toBe("default");
    expect(schedule!.messages.map(({ id, ...rest }) => rest)).toEqual([
      {
        trigger: "0 3 * * * (Europe/Paris)",
        provider: "Digest",
        messageClasses: ["Digest"],
        nextRunDates: [
          new Date("2024-01-01T02:00:00Z"),
          new Date("2024-01-02T02:00:00Z"),
          new Date("2024-01-03T02:00:00Z"),
        ],
      },
      {
        trigger: "every 10 minutes",
        provider: 'RedispatchMessage(Cleanup:{"days":30} via async)',
        messageClasses: ["RedispatchMessage"],
        nextRunDates: [new Date("2024-01-01T00:10:00Z"), new Date("2024-01-01T00:20:00Z")],
      },
    ]);
    expect(describeSchedules(registry, { names: ["empty"] })).toEqual([{ name: "empty", messages: [] }]);
  });
});
