import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLeadgenApp, type LeadgenApp, TakeScreenshotMessage } from "../../src/index.js";
import { type Consumption, consume } from "../support/consume.js";
import { type PgApp, startPgApp, TEST_RETRY_DELAY_SCALE } from "../support/pg-app.js";
import { PG_URL, pgUp } from "../support/postgres.js";

describe.skipIf(!pgUp)("two workers on the same PostgreSQL queues (the seed's two workers)", () => {
  let pg: PgApp;
  let second: LeadgenApp;
  beforeAll(async () => {
    pg = await startPgApp("workers", { latencyMs: 2 });
    // Another application on the same database and schema: what a second worker process has.
    second = await createLeadgenApp({
      env: {},
      databaseUrl: PG_URL,
      databaseSchema: pg.schema,
      retryDelayScale: TEST_RETRY_DELAY_SCALE,
      latencyMs: 2,
      scheduleStore: null,
    });
  });
  afterAll(async () => {
    await second?.close();
    await pg?.close();
  });

  it("share the work: every message handled exactly once", async () => {
    const leadId = pg.fixtures.leads.kavarna;
    const urls = Array.from({ length: 24 }, (_, i) => `https://kavarna-u-mostu.cz/page-${i}`);
    for (const url of urls) await pg.app.bus.dispatch(new TakeScreenshotMessage(leadId, url));
    const workers: Consumption[] = [];
    // Each worker stops once both together handled every message.
    const until = (consumption: Consumption) => {
      if (!workers.includes(consumption)) workers.push(consumption);
      return workers.reduce((sum, c) => sum + c.handled.length, 0) >= urls.length;
    };
    const [a, b] = await Promise.all([
      consume(pg.app.messenger, ["low_priority"], { until }),
      consume(second.messenger, ["low_priority"], { until }),
    ]);
    expect(a.handled.length + b.handled.length).toBe(urls.length);
    expect(a.failed.length + b.failed.length).toBe(0);
    const shots = await pg.app.store.listScreenshots(leadId);
    expect(shots.map((s) => s.url).sort()).toEqual([...urls].sort());
    expect(await pg.queued("low_priority")).toEqual([]);
  });
});
