import { createWorker, type Envelope } from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import {
  describeSchedules,
  InMemoryScheduleStore,
  RedispatchMessage,
  ScheduledStamp,
} from "@messenger-ts/scheduler";
import { type InMemoryTransport, InMemoryTransportFactory } from "@messenger-ts/transport-memory";
import { afterEach, describe, expect, it } from "vitest";
import {
  CalculateBenchmarksMessage,
  CheckSslCertificatesMessage,
  CleanUpOldDataMessage,
  createLeadgenApp,
  DiscoverLeadsMessage,
  ExpireProposalsMessage,
  type LeadgenApp,
  type LeadgenOptions,
  SCHEDULE_NAME,
  SCHEDULE_TRANSPORT,
} from "../../src/index.js";

const HOUR = 3_600_000;
/** Sunday 2023-12-31 12:00 UTC, 13:00 in Prague (CET, UTC+1 in winter). */
const START = Date.UTC(2023, 11, 31, 12);
const utc = (day: number, hour: number) => Date.UTC(2024, 0, day, hour);

interface ScheduleRun {
  readonly message: object;
  readonly transport: string;
  readonly triggeredAt: number;
}

describe("the leadgen schedule", () => {
  const apps: LeadgenApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  async function scheduledApp(clock: FakeClock, options: LeadgenOptions = {}): Promise<LeadgenApp> {
    const app = await createLeadgenApp({
      env: {},
      sqlitePath: ":memory:",
      transportDsn: "in-memory://?serialize=true",
      latencyMs: 0,
      clock,
      transportFactories: [new InMemoryTransportFactory()],
      discoveryBatches: [
        { source: "firmy_cz", query: "restaurace Praha", limit: 5 },
        { source: "google_maps", query: "autoservis Brno", limit: 5 },
      ],
      ...options,
    });
    apps.push(app);
    return app;
  }

  /** Runs a worker on scheduler_leadgen while the clock moves `hours` forward, an hour at a time. */
  async function consumeSchedule(app: LeadgenApp, clock: FakeClock, hours: number): Promise<ScheduleRun[]> {
    const worker = createWorker(app.messenger, {
      receivers: [SCHEDULE_TRANSPORT],
      sleep: HOUR,
      keepaliveInterval: false,
    });
    const running = worker.run();
    for (let i = 0; i < hours; i++) await clock.advance(HOUR);
    worker.stop();
    await clock.advance(HOUR);
    await running;
    // (The worker's idle sleep is an hour: the schedule transport wakes it at each run anyway.)
    // Every run went on to the queue its message is routed to, with the run's ScheduledStamp.
    return ["high_priority", "normal", "low_priority"].flatMap((transport) =>
      (app.messenger.getTransport(transport) as InMemoryTransport).getSent().map((envelope: Envelope) => ({
        message: envelope.message,
        transport,
        triggeredAt: envelope.last(ScheduledStamp)!.triggeredAt.getTime(),
      })),
    );
  }

  const timesOf = (runs: ScheduleRun[], type: new (...args: any[]) => object) =>
    runs.filter((run) => run.message instanceof type).map((run) => run.triggeredAt);

  it("fires each task when expected over eight days (Europe/Prague), on the low-priority queue", async () => {
    const clock = new FakeClock(START);
    const app = await scheduledApp(clock, { scheduleStore: new InMemoryScheduleStore(clock) });
    const runs = await consumeSchedule(app, clock, 8 * 24); // until Monday 8 January, 12:00 UTC

    const days = [1, 2, 3, 4, 5, 6, 7, 8];
    // Daily at 01:00 Prague = 00:00 UTC.
    expect(timesOf(runs, ExpireProposalsMessage)).toEqual(days.map((d) => utc(d, 0)));
    // Daily at 03:00 Prague = 02:00 UTC.
    expect(timesOf(runs, CheckSslCertificatesMessage)).toEqual(days.map((d) => utc(d, 2)));
    // Sundays at 04:00 Prague: 7 January.
    expect(timesOf(runs, CleanUpOldDataMessage)).toEqual([utc(7, 3)]);
    // Mondays at 05:00 Prague: 1 and 8 January.
    expect(timesOf(runs, CalculateBenchmarksMessage)).toEqual([utc(1, 4), utc(8, 4)]);
    // Every six hours (00, 06, 12, 18 Prague), one message per configured batch.
    const sixHourly = [Date.UTC(2023, 11, 31, 17)];
    for (let t = Date.UTC(2023, 11, 31, 23); t < START + 8 * 24 * HOUR; t += 6 * HOUR) sixHourly.push(t);
    expect(sixHourly).toHaveLength(32);
    expect(timesOf(runs, DiscoverLeadsMessage)).toEqual(sixHourly.flatMap((t) => [t, t]));
    expect(
      runs
        .filter((run) => run.message instanceof DiscoverLeadsMessage && run.triggeredAt === sixHourly[0])
        .map((r) => r.message),
    ).toEqual([
      new DiscoverLeadsMessage("firmy_cz", "restaurace Praha", 5),
      new DiscoverLeadsMessage("google_maps", "autoservis Brno", 5),
    ]);

    expect(new Set(runs.map((run) => run.transport))).toEqual(new Set(["low_priority"]));
    expect(runs.find((run) => run.message instanceof CheckSslCertificatesMessage)!.message).toEqual(
      new CheckSslCertificatesMessage(14),
    );
    expect(runs.find((run) => run.message instanceof CleanUpOldDataMessage)!.message).toEqual(
      new CleanUpOldDataMessage(180),
    );
    expect(runs.find((run) => run.message instanceof CalculateBenchmarksMessage)!.message).toEqual(
      new CalculateBenchmarksMessage("week"),
    );
  });

  it("runs the batch discovery on the configured cron, or not at all", async () => {
    const clock = new FakeClock(START);
    const app = await scheduledApp(clock, { discoveryCron: "30 9 * * 1-5", scheduleStore: null });
    const runs = await consumeSchedule(app, clock, 3 * 24);
    // 09:30 Prague = 08:30 UTC, weekdays only: Monday 1 to Wednesday 3 January.
    const times = [utc(1, 8) + HOUR / 2, utc(2, 8) + HOUR / 2, utc(3, 8) + HOUR / 2];
    expect(timesOf(runs, DiscoverLeadsMessage)).toEqual(times.flatMap((t) => [t, t]));

    const off = await scheduledApp(new FakeClock(START), { discoveryCron: null, scheduleStore: null });
    expect(off.schedule.getRecurringMessages()).toHaveLength(4);
    // A fixed provider ignores the run context.
    const messages = off.schedule
      .getRecurringMessages()
      .map((recurring) => ([...recurring.getMessages({} as never)][0] as RedispatchMessage).message);
    expect(messages).toEqual([
      new ExpireProposalsMessage(),
      new CheckSslCertificatesMessage(14),
      new CleanUpOldDataMessage(180),
      new CalculateBenchmarksMessage("week"),
    ]);
  });

  it("catches up with one run per task after downtime, thanks to its checkpoint", async () => {
    const clock = new FakeClock(START);
    const store = new InMemoryScheduleStore(clock);
    const first = await scheduledApp(clock, { scheduleStore: store, discoveryCron: null });
    await consumeSchedule(first, clock, 24); // until Monday 12:00 UTC
    await first.close();
    apps.splice(apps.indexOf(first), 1);

    clock.set(START + 24 * HOUR + 3 * 24 * HOUR); // down until Thursday 12:00 UTC
    const second = await scheduledApp(clock, { scheduleStore: store, discoveryCron: null });
    const runs = await consumeSchedule(second, clock, 1);
    // One catch-up run each for the daily tasks, dated at their earliest missed slot (Tuesday).
    expect(timesOf(runs, ExpireProposalsMessage)).toEqual([utc(2, 0)]);
    expect(timesOf(runs, CheckSslCertificatesMessage)).toEqual([utc(2, 2)]);
    expect(timesOf(runs, CleanUpOldDataMessage)).toEqual([]);
    expect(timesOf(runs, CalculateBenchmarksMessage)).toEqual([]);
  });

  it("is locked and stateful in the application's database by default, for several workers", async () => {
    const app = await scheduledApp(new FakeClock(START), { scheduleStore: undefined });
    const lock = app.schedule.getLock();
    expect(lock?.store).toBe(app.schedule.getState());
    expect(lock?.store.constructor.name).toBe("SqliteScheduleStore");
    expect(app.schedule.shouldProcessOnlyLastMissedRun()).toBe(true);
  });

  it("describes itself for debug:scheduler", async () => {
    const app = await scheduledApp(new FakeClock(START), { scheduleStore: null });
    const [description] = describeSchedules(app.schedules, { date: START });
    expect(description!.name).toBe(SCHEDULE_NAME);
    expect(description!.messages.map((m) => [m.trigger, m.nextRunDates[0]!.getTime()])).toEqual([
      ["0 1 * * * (Europe/Prague)", utc(1, 0)],
      ["0 3 * * * (Europe/Prague)", utc(1, 2)],
      ["0 4 * * 0 (Europe/Prague)", utc(7, 3)],
      ["0 5 * * 1 (Europe/Prague)", utc(1, 4)],
      ["0 */6 * * * (Europe/Prague)", Date.UTC(2023, 11, 31, 17)],
      ["0 */6 * * * (Europe/Prague)", Date.UTC(2023, 11, 31, 17)],
    ]);
    expect(app.messenger.transportNames).toContain("scheduler_leadgen");
  });

  it("refuses an invalid discovery cron when the application starts", async () => {
    await expect(
      scheduledApp(new FakeClock(START), { discoveryCron: "every now and then" }),
    ).rejects.toThrow();
  });
});
