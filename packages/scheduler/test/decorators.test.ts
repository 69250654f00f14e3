import { defineHandler, WorkerMessageHandledEvent } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import {
  AsCronTask,
  AsPeriodicTask,
  AsSchedule,
  decoratedTasks,
  RecurringMessage,
  RedispatchMessage,
  RedispatchMessageHandler,
  Schedule,
  type ScheduleProvider,
  ScheduleRegistry,
  ServiceCallMessage,
  ServiceCallMessageHandler,
  StaticMessageProvider,
} from "../src/index.js";
import { harness, START } from "./support/harness.js";

const calls: string[] = [];

class Heartbeat {}

@AsSchedule("maintenance")
class MaintenanceSchedule implements ScheduleProvider {
  getSchedule(): Schedule {
    return new Schedule().add(RecurringMessage.every("1 hour", new Heartbeat()));
  }
}

@AsPeriodicTask("2 seconds", { schedule: "maintenance", arguments: ["eu", 3] })
class PurgeSessions {
  async run(region: string, days: number): Promise<void> {
    calls.push(`purge ${region} ${days}`);
  }
}

class Reports {
  @AsCronTask("#hourly", { schedule: "maintenance", timezone: "Europe/Prague" })
  hourly(): void {
    calls.push("hourly report");
  }

  @AsPeriodicTask(3000, { schedule: "maintenance", transports: "async" })
  offloaded(): void {
    calls.push("offloaded report");
  }
}

describe("task decorators and @AsSchedule", () => {
  it("record tasks as ServiceCallMessages joined to their schedule's provider", () => {
    const schedule = new ScheduleRegistry().getSchedule("maintenance");
    const messages = schedule.getRecurringMessages();
    expect(messages.map((m) => m.trigger.description)).toEqual([
      "every 1 hour",
      "every 2 seconds",
      expect.stringMatching(/^\d+ \* \* \* \* \(Europe\/Prague\)$/),
      "every 3 seconds",
    ]);
    const payload = (index: number) => (messages[index]!.provider as StaticMessageProvider).messages[0];
    expect(payload(1)).toEqual(new ServiceCallMessage("PurgeSessions", "run", ["eu", 3]));
    expect(payload(2)).toEqual(new ServiceCallMessage("Reports", "hourly", []));
    expect(payload(3)).toEqual(
      new RedispatchMessage(new ServiceCallMessage("Reports", "offloaded"), "async"),
    );
    // The hashed minute is seeded by "@Reports::hourly": stable.
    expect(
      new ScheduleRegistry().getSchedule("maintenance").getRecurringMessages()[2]!.trigger.description,
    ).toBe(messages[2]!.trigger.description);
    expect(decoratedTasks("maintenance")).toHaveLength(3);
    expect(new ScheduleRegistry().names()).toEqual(["maintenance"]);
    expect([MaintenanceSchedule, PurgeSessions]).toHaveLength(2);
  });

  it("run the task methods with their arguments in the scheduler worker, or on the named transport", async () => {
    calls.length = 0;
    const h = harness({
      schedules: new ScheduleRegistry(),
      handlers: [
        ServiceCallMessageHandler,
        RedispatchMessageHandler,
        defineHandler(Heartbeat, function beat() {}),
      ],
      transports: { async: "fixture://" },
    });
    const handledOn: string[] = [];
    h.messenger.events.on(WorkerMessageHandledEvent, (event) => {
      handledOn.push(`${event.receiverName}@${(h.clock.now() - START) / 1000}`);
    });
    const consumer = h.start(["scheduler_maintenance", "async"]);
    await h.advance(6000);
    await consumer.stop();
    expect(calls).toEqual(["purge eu 3", "offloaded report", "purge eu 3", "purge eu 3", "offloaded report"]);
    // The offloaded task went through the "async" transport (serialized there) before it ran.
    expect(handledOn.filter((h) => h.startsWith("async"))).toEqual(["async@3", "async@6"]);
    expect(h.fixtures.created.get("async")!.sent.map((e) => e.message)).toEqual([
      new ServiceCallMessage("Reports", "offloaded"),
      new ServiceCallMessage("Reports", "offloaded"),
    ]);
  });

  it("refuse a class without the method, a method with `method`, and a second provider of a name", () => {
    expect(() => AsCronTask("* * * * *")(class NoRun {})).toThrow(/no method "run"/);
    expect(() =>
      AsPeriodicTask(1000, { method: "x" })(
        Reports.prototype,
        "hourly",
        Object.getOwnPropertyDescriptor(Reports.prototype, "hourly"),
      ),
    ).toThrow(/must not set "method"/);
    expect(() =>
      AsCronTask("not cron")(
        class Bad {
          run() {}
        },
      ),
    ).toThrow(/Invalid cron expression/);
    expect(() =>
      AsSchedule("maintenance")(
        class Other {
          getSchedule() {
            return new Schedule();
          }
        },
      ),
    ).toThrow(/two providers/);
    expect(() => AsSchedule("x")(class NotAProvider {} as never)).toThrow(/getSchedule/);
  });
});
