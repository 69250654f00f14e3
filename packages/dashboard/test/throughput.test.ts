import { createWorker } from "@messenger-ts/core";
import { afterEach, describe, expect, it } from "vitest";
import { DashboardApp, Job, pgUp } from "./support/dashboard-server.js";

describe("the overview's throughput chart", () => {
  const apps: DashboardApp[] = [];
  afterEach(async () => {
    // The dashboard's app first: the worker's owns the database.
    for (const app of apps.reverse()) await app.stop();
    apps.length = 0;
  });

  for (const backend of ["sqlite", "postgres"] as const) {
    it.skipIf(backend === "postgres" && !pgUp)(
      `charts the last hour's handled and failed messages from ${backend}, written by another messenger's worker`,
      async () => {
        const workerApp = new DashboardApp(backend);
        apps.push(workerApp);
        await workerApp.messenger.setup();
        // The dashboard's process: its own messenger on the same database, no worker of its own.
        const dashboardApp = new DashboardApp(backend, {}, workerApp);
        apps.push(dashboardApp);
        const base = await dashboardApp.start({ localOnly: true });
        const before = await (await fetch(`${base}/`)).text();
        expect(before).toContain('data-testid="handled-last-hour">0<');

        workerApp.failing.add(2);
        for (let n = 1; n <= 5; n++) await workerApp.messenger.bus.dispatch(new Job(n));
        // Counted in memory, written with the heartbeats; the stop writes the last of them.
        await createWorker(workerApp.messenger, { receivers: ["async"], limit: 5 }).run();
        expect(workerApp.handled.sort()).toEqual([1, 3, 4, 5]);

        const page = await (await fetch(`${base}/`)).text();
        expect(page).toContain('data-testid="handled-last-hour">4<');
        expect(page).toContain('data-testid="failed-last-hour">1<');
        expect(page).toContain('data-testid="throughput-chart"');
        const bars = [
          ...page.matchAll(
            /data-testid="throughput-bar" data-minute="(\d+)" data-handled="(\d+)" data-failed="(\d+)"/g,
          ),
        ];
        expect(bars).toHaveLength(60);
        const minutes = bars.map((bar) => Number(bar[1]));
        expect(minutes[59]! - minutes[0]!).toBe(59 * 60_000);
        expect(bars.reduce((total, bar) => total + Number(bar[2]), 0)).toBe(4);
        expect(page).toMatch(/<title>\d\d:\d\d UTC: [1-4] handled, [01] failed<\/title>/);
      },
    );
  }

  it('says "no data" where no transport keeps throughput (in memory)', async () => {
    const app = new DashboardApp("memory");
    apps.push(app);
    const base = await app.start({ localOnly: true });
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('data-testid="no-throughput">No data');
    expect(page).not.toContain("<svg");
  });
});
