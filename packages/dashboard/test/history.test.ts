import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWorker } from "@messenger-ts/core";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
  type MessageHistoryEntry,
  MessageHistoryRecorder,
  type MessageHistoryStore,
  PostgresMessageHistory,
  SqliteMessageHistory,
} from "../src/index.js";
import { DashboardApp, Job, pgUp } from "./support/dashboard-server.js";

const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};

/** A history store on its own database (a SQLite file, a PostgreSQL schema) and how to drop it. */
async function historyStore(backend: "sqlite" | "postgres"): Promise<{
  store: MessageHistoryStore;
  drop: () => Promise<void>;
}> {
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "dashboard-history-"));
    const database = new Database(join(dir, "history.sqlite"));
    database.pragma("busy_timeout = 5000");
    const store = new SqliteMessageHistory({ database, table: "history" });
    await store.setup();
    return {
      store,
      drop: async () => {
        database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `mt_history_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const pool = new pg.Pool({ ...PG, max: 2 });
  const store = new PostgresMessageHistory({ pool, schema, table: "history" });
  await store.setup();
  return {
    store,
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}

function entry(n: number, overrides: Partial<MessageHistoryEntry> = {}): MessageHistoryEntry {
  const handledAt = Date.UTC(2026, 0, 31, 12, 0, 0) + n * 1_000;
  return {
    messageId: String(n),
    type: n % 2 === 0 ? "app.even" : "app.odd",
    transport: "async",
    bus: "messenger.bus.default",
    dispatchedAt: handledAt - 50,
    receivedAt: handledAt - 10,
    handledAt,
    waitMs: 40,
    handlingMs: 10,
    result: "handled",
    errorClass: null,
    errorMessage: null,
    ...overrides,
  };
}

describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("the message history on %s", (backend, up) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  it.skipIf(!up)(
    "records what a worker handled and failed, and the dashboard lists, filters and counts it per type",
    async () => {
      const { store, drop } = await historyStore(backend);
      cleanups.push(drop);
      const app = new DashboardApp(backend);
      cleanups.push(() => app.stop());
      const base = await app.start({ localOnly: true, history: store });
      const recorder = new MessageHistoryRecorder(store, { flushInterval: 60_000 });
      const off = recorder.register(app.messenger.events);
      cleanups.push(async () => off());
      app.failing.add(2);
      for (let n = 1; n <= 5; n++) await app.messenger.bus.dispatch(new Job(n));
      // Written in one batch at the worker's stop.
      await createWorker(app.messenger, { receivers: ["async"], limit: 5, heartbeatInterval: false }).run();

      const entries = await store.list({}, 10);
      expect(entries).toHaveLength(5);
      expect(entries.map((e) => e.result).sort()).toEqual([
        "failed",
        "handled",
        "handled",
        "handled",
        "handled",
      ]);
      const failed = entries.find((e) => e.result === "failed")!;
      expect(failed).toMatchObject({
        type: "dashboard_test.job",
        transport: "async",
        bus: "messenger.bus.default",
        errorMessage: "job 2 failed on purpose",
      });
      expect(failed.errorClass).toBeTruthy();
      for (const e of entries) {
        expect(e.messageId).toBeTruthy();
        expect(e.dispatchedAt).not.toBeNull();
        expect(e.receivedAt).toBeGreaterThanOrEqual(e.dispatchedAt!);
        expect(e.handledAt).toBeGreaterThanOrEqual(e.receivedAt);
        expect(e.waitMs).toBe(e.receivedAt - e.dispatchedAt!);
        expect(e.handlingMs).toBe(e.handledAt - e.receivedAt);
      }

      const page = await (await fetch(`${base}/history`)).text();
      expect(page.match(/data-testid="history-row"/g)).toHaveLength(5);
      expect(page).toMatch(
        /data-type="dashboard_test.job"[\s\S]*?data-testid="type-count">5<[\s\S]*?data-testid="type-failure-rate">20.0 %</,
      );
      const onlyFailed = await (await fetch(`${base}/history?result=failed`)).text();
      expect(onlyFailed.match(/data-testid="history-row"/g)).toHaveLength(1);
      expect(onlyFailed).toContain("job 2 failed on purpose");
      expect((await fetch(`${base}/history?result=exploded`)).status).toBe(400);
      expect((await fetch(`${base}/history?from=yesterday`)).status).toBe(400);
    },
  );

  it.skipIf(!up)(
    "pages by id, filters by type, result, transport and time, computes average and p95, and prunes in batches",
    async () => {
      const { store, drop } = await historyStore(backend);
      cleanups.push(drop);
      await store.add(Array.from({ length: 120 }, (_, i) => entry(i + 1, { handlingMs: i + 1 })));
      await store.add([
        entry(121, {
          transport: "other",
          result: "failed",
          errorClass: "RangeError",
          errorMessage: "<b>bad</b>",
        }),
      ]);

      const app = new DashboardApp("memory");
      cleanups.push(() => app.stop());
      const base = await app.start({ localOnly: true, history: store });
      const ids = (page: string) =>
        [...page.matchAll(/data-testid="history-row" data-id="(\d+)"/g)].map((m) => Number(m[1]));
      const older = (page: string) =>
        /data-testid="older" href="([^"]+)"/.exec(page)?.[1]?.replaceAll("&amp;", "&");

      const first = await (await fetch(`${base}/history?transport=async`)).text();
      expect(ids(first)).toHaveLength(50);
      const second = await (await fetch(`${app.baseUrl.replace(/\/$/, "")}${older(first)!}`)).text();
      const third = await (await fetch(`${app.baseUrl.replace(/\/$/, "")}${older(second)!}`)).text();
      expect(ids(third)).toHaveLength(20);
      expect(older(third)).toBeUndefined();
      const all = [...ids(first), ...ids(second), ...ids(third)];
      expect(new Set(all).size).toBe(120);
      expect(all).toEqual([...all].sort((a, b) => b - a));

      // Escaped like every other value.
      const failedPage = await (await fetch(`${base}/history?result=failed`)).text();
      expect(failedPage).toContain("&lt;b&gt;bad&lt;/b&gt;");
      expect(failedPage).not.toContain("<b>bad</b>");

      // Messages 11..20 (handled at 12:00:11..12:00:20).
      const range = await store.list({ from: entry(11).handledAt, to: entry(21).handledAt }, 100);
      expect(range.map((e) => e.messageId)).toEqual(Array.from({ length: 10 }, (_, i) => String(20 - i)));
      const rangePage = await (
        await fetch(`${base}/history?from=2026-01-31T12:00:11&to=2026-01-31T12:00:21`)
      ).text();
      expect(ids(rangePage)).toHaveLength(10);
      expect((await store.list({ type: "app.even", transport: "async" }, 200)).length).toBe(60);

      // app.odd: handling times 1, 3, …, 119 (60 of them): average 60, nearest-rank p95 = the 57th = 113.
      const statistics = await store.statistics({ transport: "async" });
      expect(statistics).toEqual([
        { type: "app.even", count: 60, failures: 0, averageHandlingMs: 61, p95HandlingMs: 114 },
        { type: "app.odd", count: 60, failures: 0, averageHandlingMs: 60, p95HandlingMs: 113 },
      ]);
      expect(
        await store.statistics({ result: "failed" }),
        "statistics leave the result filter out",
      ).toHaveLength(2);

      // 121 rows: keep the newest 30, 7 rows per statement.
      expect(await store.prune({ maxRows: 30 }, Date.now(), 7)).toBe(91);
      const kept = await store.list({}, 200);
      expect(kept.map((e) => e.messageId)).toEqual(Array.from({ length: 30 }, (_, i) => String(121 - i)));
      // Older than 12:02:00 (message 120's time is 12:02:00): 92..119 go.
      expect(await store.prune({ maxAge: 60_000 }, entry(120).handledAt + 60_000, 5)).toBe(28);
      expect((await store.list({}, 200)).map((e) => e.messageId)).toEqual(["121", "120"]);
    },
  );
});

describe("a history store's table name", () => {
  it("is refused, named, unless it is a plain SQL name", async () => {
    const database = new Database(":memory:");
    // A pool connects on its first query only: none is made here.
    const pool = new pg.Pool(PG);
    try {
      expect(() => new SqliteMessageHistory({ database, table: 'history"; DROP TABLE x; --' })).toThrow(
        expect.objectContaining({
          code: "INVALID_DASHBOARD_OPTION",
          message: expect.stringContaining('table "history"; DROP'),
        }),
      );
      expect(() => new PostgresMessageHistory({ pool, schema: "a.b" })).toThrow(
        expect.objectContaining({
          code: "INVALID_DASHBOARD_OPTION",
          message: expect.stringContaining('schema "a.b"'),
        }),
      );
    } finally {
      database.close();
      await pool.end();
    }
  });
});

describe("the history page without a store", () => {
  it("says the history is off", async () => {
    const app = new DashboardApp("memory");
    try {
      const base = await app.start({ localOnly: true });
      expect(await (await fetch(`${base}/history`)).text()).toContain('data-testid="history-off"');
    } finally {
      await app.stop();
    }
  });
});
