import { ErrorDetailsStamp, HandledStamp } from "@messenger-ts/core";
import { ScheduledStamp } from "@messenger-ts/scheduler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CheckSslCertificatesMessage,
  CleanUpOldDataMessage,
  DiscoverLeadsMessage,
  ExpireProposalsMessage,
  type PostgresDomainStore,
  SCHEDULE_TRANSPORT,
} from "../../src/index.js";
import { type PgApp, startPgApp } from "../support/pg-app.js";
import { pgUp } from "../support/postgres.js";

describe.skipIf(!pgUp)("the scheduled tasks through workers on PostgreSQL", () => {
  let pg: PgApp;
  beforeAll(async () => {
    pg = await startPgApp("tasks");
  });
  beforeEach(async () => {
    await pg.reset();
  });
  afterAll(async () => {
    await pg?.close();
  });

  it("expires the overdue proposal", async () => {
    await pg.app.bus.dispatch(new ExpireProposalsMessage());
    const run = await pg.consume(["low_priority"], (c) => c.handled.length === 1);
    expect(run.handled[0]!.last(HandledStamp)!.result).toBe(1);
    expect(await pg.app.store.findProposal(pg.fixtures.proposals.pekarnaOverdue)).toMatchObject({
      status: "expired",
    });
  });

  it("checks the certificates of all seven websites", async () => {
    await pg.app.bus.dispatch(new CheckSslCertificatesMessage(14));
    await pg.consume(["low_priority"], (c) => c.handled.length === 1);
    expect(await pg.app.store.listCertificateChecks()).toHaveLength(7);
  });

  it("retries the certificate check while the websites are down, then gives up into failed", async () => {
    await pg.app.services.outages.simulate("website", 100);
    await pg.app.bus.dispatch(new CheckSslCertificatesMessage(14));
    const run = await pg.consume(["low_priority"], (c) => c.gaveUp === 1);
    expect(run.received).toHaveLength(3);
    const [failed] = await pg.queued("failed");
    expect(failed!.last(ErrorDetailsStamp)).toMatchObject({ errorCode: "WEBSITE_UNAVAILABLE" });
  });

  it("cleans up, and refuses a retention under a day straight into failed", async () => {
    await pg.app.bus.dispatch(new CleanUpOldDataMessage(180));
    await pg.app.bus.dispatch(new CleanUpOldDataMessage(0));
    const run = await pg.consume(["low_priority"], (c) => c.handled.length + c.gaveUp === 2);
    expect(run.handled[0]!.last(HandledStamp)!.result).toEqual({
      screenshots: 0,
      certificateChecks: 0,
      expiredProposals: 0,
    });
    expect(run.received).toHaveLength(2);
    expect((await pg.queued("failed")).map((e) => e.message)).toEqual([new CleanUpOldDataMessage(0)]);
  });
});

describe.skipIf(!pgUp)("the schedule on PostgreSQL, with its lock and checkpoint in the database", () => {
  let pg: PgApp;
  beforeAll(async () => {
    // Every second (six-field cron), so a real clock gets a run quickly; the other tasks are days away.
    pg = await startPgApp("schedule", {
      scheduleStore: undefined,
      discoveryCron: "* * * * * *",
      discoveryBatches: [{ source: "web_crawl", query: "kavárna Brno", limit: 1 }],
    });
  });
  afterAll(async () => {
    await pg?.close();
  });

  it("emits a run, which a low-priority worker handles with its ScheduledStamp", async () => {
    const run = await pg.consume([SCHEDULE_TRANSPORT, "low_priority"], (c) =>
      c.handled.some((e) => e.message instanceof DiscoverLeadsMessage),
    );
    const discovery = run.handled.find((e) => e.message instanceof DiscoverLeadsMessage)!;
    expect(discovery.last(ScheduledStamp)).toMatchObject({
      scheduleName: "leadgen",
      trigger: "* * * * * * (Europe/Prague)",
    });
    expect((await pg.app.store.listLeads()).some((lead) => lead.source === "web_crawl")).toBe(true);
    const pool = (pg.app.store as PostgresDomainStore).pool;
    const locks = await pool.query(`SELECT name FROM "${pg.schema}".messenger_scheduler_locks`);
    expect(locks.rows).toEqual([{ name: "schedule:leadgen" }]);
    const checkpoints = await pool.query(`SELECT name FROM "${pg.schema}".messenger_scheduler_checkpoints`);
    expect(checkpoints.rows).toEqual([{ name: "schedule:leadgen" }]);
  });
});
