import { isListableReceiver } from "@messenger-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DashboardApp, Job, pgUp, Report } from "./support/dashboard-server.js";

const COUNT = 10_000;

/**
 * The failed list over 10,000 failed messages in SQLite: each page request reads a page (or, with
 * a filter, a bounded scan), never the whole transport. Prints the server-side time of each
 * request (docs/dashboard.md, "Performance"); asserts what was read, never how long it took.
 */
describe.each([
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("the failed list over 10,000 failed messages on %s", { timeout: 60_000 }, (backend, up) => {
  const app = new DashboardApp(backend);
  /** The `limit` of every `all()` call on "failed" during one request. */
  let reads: number[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    if (!up) return;
    await app.start({ localOnly: true });
    const failed = app.messenger.getTransport("failed");
    if (!isListableReceiver(failed)) throw new Error('"failed" cannot list');
    for (let n = 0; n < COUNT; n++) {
      // One in a thousand is a Report: the class filter then has to read on to find a page of them.
      ids.push(await app.park(n % 1000 === 999 ? new Report(`r${n}`) : new Job(n)));
    }
    const all = failed.all.bind(failed);
    failed.all = (limit, after) => {
      reads.push(limit ?? Number.POSITIVE_INFINITY);
      return all(limit, after);
    };
  }, 120_000);
  afterAll(async () => {
    if (up) await app.stop();
  });

  async function timed(path: string): Promise<string> {
    reads = [];
    const response = await fetch(`${app.baseUrl}${path}`);
    const page = await response.text();
    expect(response.status).toBe(200);
    // The handler's own time (from the request to the end of the answer), not the client's.
    console.log(
      `${backend}: GET ${path}: ${(await app.lastRequestMs).toFixed(1)} ms server-side, all() limits ${JSON.stringify(reads)}`,
    );
    return page;
  }

  const rowIds = (page: string) =>
    [...page.matchAll(/data-testid="failed-row" data-id="([^"]+)"/g)].map((match) => match[1]);

  it.skipIf(!up)("shows the first page with one read of max + 1", async () => {
    await timed("/failed"); // warm-up: the first request compiles the statements
    const page = await timed("/failed");
    expect(rowIds(page)).toEqual(ids.slice(0, 50));
    expect(reads).toEqual([51]);
  });

  it.skipIf(!up)("shows a page in the middle from its after id, with one read", async () => {
    const page = await timed(`/failed?max=500&after=${ids[4_999]}`);
    expect(rowIds(page)).toEqual(ids.slice(5_000, 5_500));
    expect(reads).toEqual([501]);
  });

  it.skipIf(!up)("filters by class with a bounded scan, then links on", async () => {
    const page = await timed("/failed?class=Report&max=50");
    expect(rowIds(page)).toEqual([ids[999], ids[1_999]]);
    expect(reads).toEqual(Array(4).fill(500));
    expect(page).toContain("Read 2000 messages without filling the page");
    // The next page reads on from the last message read, not from the start.
    expect(page).toContain(`after=${ids[1_999]}" data-testid="next-page"`);
  });
});
