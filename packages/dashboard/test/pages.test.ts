import { isWorkerRegistry } from "@messenger-ts/core";
import { RecurringMessage, Schedule, ScheduleRegistry } from "@messenger-ts/scheduler";
import { afterEach, describe, expect, it } from "vitest";
import { DashboardApp, Job, Report } from "./support/dashboard-server.js";

describe("dashboard pages", () => {
  let app: DashboardApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it("lists the live workers of the transports that keep heartbeats", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ localOnly: true });
    expect(await (await fetch(`${base}/`)).text()).toContain('data-testid="no-workers"');
    const registry = app.messenger.getTransport("async");
    if (!isWorkerRegistry(registry)) throw new Error("in-memory:// keeps no heartbeats");
    const now = Date.now();
    await registry.beatWorker(
      {
        id: "host-1-abc",
        host: "host",
        pid: 1,
        transports: ["async"],
        concurrency: 2,
        handled: 5,
        failed: 1,
        memory: 50 * 1024 * 1024,
        startedAt: now - 60_000,
        lastSeenAt: now,
      },
      60_000,
    );
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toMatch(/data-testid="worker-row" data-worker="host-1-abc"[\s\S]*?<td>async<\/td>/);
  });

  it("shows a failed message's body, error, history and every stamp", async () => {
    app = new DashboardApp("sqlite");
    const base = await app.start({ localOnly: true });
    const id = await app.park(new Job(42, "hello"), "the API said 503");
    const page = await (await fetch(`${base}/failed/failed/${id}`)).text();
    expect(page).toMatch(
      /data-testid="message-body">\{\n {2}&quot;n&quot;: 42,\n {2}&quot;text&quot;: &quot;hello&quot;\n\}</,
    );
    expect(page).toMatch(/data-testid="error-message">the API said 503</);
    expect(page).toMatch(/data-testid="error-stack">Error: the API said 503\n {4}at handler/);
    expect(page).toContain("and was sent to the failure transport</li>");
    for (const stamp of [
      "BusNameStamp",
      "ErrorDetailsStamp",
      "SentToFailureTransportStamp",
      "RedeliveryStamp",
    ]) {
      expect(page).toContain(`<td>${stamp}</td>`);
    }
    expect((await fetch(`${base}/failed/failed/999999`)).status).toBe(404);
    expect((await fetch(`${base}/failed/async/${id}`)).status).toBe(404);
    expect((await fetch(`${base}/failed?transport=async`)).status).toBe(404);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect((await fetch(`${base}/failed/failed/%E0%A4%A`)).status).toBe(400);
  });

  it("says why a filter cannot match (400), as failed:show does", async () => {
    app = new DashboardApp("memory");
    const base = await app.start({ localOnly: true });
    const response = await fetch(
      `${base}/failed?failed_after=2026-02-01T00:00Z&failed_before=2026-01-01T00:00Z`,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("is later than --failed-before");
    expect((await fetch(`${base}/failed?failed_after=yesterday`)).status).toBe(400);
  });

  it("browses a transport's stored messages a page at a time, without taking them", async () => {
    app = new DashboardApp("sqlite");
    const base = await app.start({ localOnly: true });
    for (let n = 1; n <= 3; n++) await app.messenger.bus.dispatch(new Job(n));
    await app.messenger.bus.dispatch(new Report("<b>monthly</b>"));
    const first = await (await fetch(`${base}/queues/async?max=2`)).text();
    expect(first.match(/data-testid="queue-row"/g)).toHaveLength(2);
    const next = /href="([^"]+)" data-testid="next-page"/.exec(first)![1]!.replaceAll("&amp;", "&");
    const second = await (await fetch(`http://${new URL(base).host}${next}`)).text();
    expect(second.match(/data-testid="queue-row"/g)).toHaveLength(2);
    expect(second).toContain("&lt;b&gt;monthly&lt;/b&gt;");
    expect(second).toContain("End of the list.");
    const overview = await (await fetch(`${base}/`)).text();
    expect(overview).toMatch(/data-transport="async"[\s\S]*?data-testid="count">4</);
    expect((await fetch(`${base}/queues/nothing`)).status).toBe(404);
  });

  it("lists the schedules' recurring messages with their next run", async () => {
    app = new DashboardApp("memory");
    const schedules = new ScheduleRegistry({ decorated: false })
      .add("default", new Schedule().add(RecurringMessage.every("1 hour", new Job(1))))
      .add("empty", new Schedule());
    const base = await app.start({ localOnly: true, scheduler: schedules });
    const page = await (await fetch(`${base}/schedules`)).text();
    expect(page).toMatch(
      /data-schedule="default"[\s\S]*?<td>every 1 hour<\/td><td>dashboard_test.job<\/td><td>dashboard_test.job<\/td>\n<td>\d{4}-/,
    );
    expect(page).toMatch(/<h2>empty<\/h2>\s*<p class="muted">No recurring messages.<\/p>/);
    const none = new DashboardApp("memory");
    try {
      expect(await (await fetch(`${await none.start({ localOnly: true })}/schedules`)).text()).toContain(
        "the dashboard was given no scheduler",
      );
    } finally {
      await none.stop();
    }
  });
});
