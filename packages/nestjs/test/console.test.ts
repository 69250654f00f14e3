import { Messenger } from "@messenger-ts/core";
import {
  AsPeriodicTask,
  ScheduleRegistry,
  ScheduleTransportFactory,
  schedulerHandlers,
} from "@messenger-ts/scheduler";
import { Injectable, Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { afterAll, describe, expect, it } from "vitest";
import { runNestConsole } from "../src/console/index.js";
import { MessengerModule } from "../src/index.js";
import { CapturedOutput } from "./support/captured-output.js";
import { openSockets, waitFor } from "./support/open-handles.js";
import { ordersModule, PlaceOrder } from "./support/orders-app.js";
import { countRows, dropSchema, newSchema, pgUp, queueDsn } from "./support/postgres.js";

async function run(module: new () => object, ...argv: string[]) {
  const stdout = new CapturedOutput();
  const stderr = new CapturedOutput();
  const code = await runNestConsole(module, { argv, stdout, stderr, interactive: false });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe.skipIf(!pgUp)("the console of a Nest application", () => {
  const schema = newSchema("console");
  const AppModule = ordersModule(queueDsn(schema));
  afterAll(() => dropSchema(schema));

  it("runs messenger:stats, debug:messenger and messenger:consume against the module's messenger, and closes it", {
    timeout: 120_000,
  }, async () => {
    const before = openSockets();
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    await app.get(Messenger).bus.dispatch(new PlaceOrder("o-1", "grinder"));
    await app.get(Messenger).bus.dispatch(new PlaceOrder("o-2", "kettle"));
    await app.close();

    const stats = await run(AppModule, "messenger:stats", "--format=json");
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ transports: { async: { count: 2 } } });

    const debug = await run(AppModule, "debug:messenger");
    expect(debug.code).toBe(0);
    expect(debug.stdout).toContain("PlaceOrderHandler.place");
    expect(debug.stdout).toContain("GetOrderHandler.get");

    const consume = await run(AppModule, "messenger:consume", "async", "--limit=2", "--time-limit=60", "-vv");
    expect(consume.code).toBe(0);
    expect(consume.stderr.match(/handled successfully/g)).toHaveLength(2);
    expect(await countRows(schema)).toBe(0);
    await waitFor(openSockets, (open) => open.length <= before.length);
    expect(openSockets()).toEqual(before);
  });
});

/** Shared by the test and every Nest context it starts: what the scheduled task did. */
class Beats {
  count = 0;
}

@Injectable()
class HeartbeatTask {
  constructor(private readonly beats: Beats) {}

  @AsPeriodicTask("1 second", { schedule: "nest_console_test" })
  beat(): void {
    this.beats.count++;
  }
}

describe("the scheduler in a Nest application", () => {
  it("runs an @AsPeriodicTask of a Nest provider, with its injected service, from messenger:consume scheduler_<name>", {
    timeout: 120_000,
  }, async () => {
    const beats = new Beats();
    const schedules = new ScheduleRegistry();
    @Module({
      imports: [
        MessengerModule.forRoot({
          transports: schedules.transports(),
          transportFactories: [new ScheduleTransportFactory(schedules)],
          handlers: [...schedulerHandlers],
          schedules,
        }),
      ],
      providers: [{ provide: Beats, useValue: beats }, HeartbeatTask],
    })
    class ScheduledModule {}

    const debug = await run(ScheduledModule, "debug:scheduler");
    expect(debug.code).toBe(0);
    expect(debug.stdout).toContain("nest_console_test");
    expect(debug.stdout).toContain("HeartbeatTask");

    const consume = await run(
      ScheduledModule,
      "messenger:consume",
      "scheduler_nest_console_test",
      "--limit=1",
      "--time-limit=60",
    );
    expect(consume.code).toBe(0);
    expect(beats.count).toBe(1);
  });
});
