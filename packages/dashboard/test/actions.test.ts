import { afterEach, describe, expect, it } from "vitest";
import { csrfOf, DashboardApp, Job, pgUp, post, Report } from "./support/dashboard-server.js";

describe.each([
  ["memory", true],
  ["sqlite", true],
  ["postgres", pgUp],
] as const)("retry and remove on %s", (backend, up) => {
  let app: DashboardApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function started(): Promise<{ app: DashboardApp; base: string }> {
    app = new DashboardApp(backend);
    const base = await app.start({ localOnly: true, basePath: "/dashboard" });
    return { app, base };
  }

  /** The CSRF token of the list's forms (there are forms once a message is listed). */
  async function csrf(base: string): Promise<string> {
    return csrfOf(await (await fetch(`${base}/failed`)).text());
  }

  async function listIds(app: DashboardApp): Promise<string[]> {
    const page = await (await fetch(`${app.baseUrl}/failed?max=500`)).text();
    return [...page.matchAll(/data-testid="failed-row" data-id="([^"]+)"/g)].map((match) => match[1]!);
  }

  it.skipIf(!up)(
    "retries one message as messenger:failed:retry does: handled, then gone from the failure transport",
    async () => {
      const { app, base } = await started();
      const id = await app.park(new Job(7));
      const other = await app.park(new Job(8));
      const response = await post(`${base}/failed/failed/${id}/retry`, { _csrf: await csrf(base) });
      expect(response.status).toBe(303);
      const location = response.headers.get("location")!;
      expect(location).toBe(`/dashboard/failed?transport=failed&done=retried&id=${id}`);
      expect(app.handled).toEqual([7]);
      expect(await listIds(app)).toEqual([other]);
      const flashed = await (await fetch(`${base}${location.slice("/dashboard".length)}`)).text();
      expect(flashed).toMatch(new RegExp(`data-testid="flash"[^>]*>Message ${id} was retried and handled.<`));
    },
  );

  it.skipIf(!up)(
    "sends a message that fails again back to the failure transport, its history grown",
    async () => {
      const { app, base } = await started();
      app.failing.add(9);
      const id = await app.park(new Job(9));
      const response = await post(`${base}/failed/failed/${id}/retry`, { _csrf: await csrf(base) });
      expect(response.headers.get("location")).toContain("done=retry-failed");
      const ids = await listIds(app);
      expect(ids).toHaveLength(1);
      const detail = await (await fetch(`${base}/failed/failed/${ids[0]}`)).text();
      expect(detail).toMatch(/data-testid="error-message">job 9 failed on purpose</);
      expect(detail.match(/<li>Failed at /g)?.length).toBe(2);
    },
  );

  it.skipIf(!up)("removes one message, the ticked ones, and all that match a class filter", async () => {
    const { app, base } = await started();
    const [a, b, c, d] = [
      await app.park(new Job(1)),
      await app.park(new Job(2)),
      await app.park(new Job(3)),
      await app.park(new Report("r")),
    ];
    expect(
      (await post(`${base}/failed/failed/${a}/remove`, { _csrf: await csrf(base) })).headers.get("location"),
    ).toContain("done=removed");
    expect(await listIds(app)).toEqual([b, c, d]);
    const selected = await post(`${base}/failed/failed/remove`, { _csrf: await csrf(base), ids: [b!] });
    expect(selected.headers.get("location")).toContain("done=bulk-removed&n=1");
    expect(await listIds(app)).toEqual([c, d]);
    const unconfirmed = await post(`${base}/failed/failed/remove?class=Job`, {
      _csrf: await csrf(base),
      all: "1",
      class: "Job",
    });
    expect(unconfirmed.headers.get("location")).toContain("done=confirm-missing");
    expect(await listIds(app)).toEqual([c, d]);
    const all = await post(`${base}/failed/failed/remove?class=Job`, {
      _csrf: await csrf(base),
      all: "1",
      confirm: "1",
      class: "Job",
    });
    expect(all.headers.get("location")).toBe(
      "/dashboard/failed?transport=failed&class=Job&done=bulk-removed&n=1",
    );
    expect(await listIds(app)).toEqual([d]);
    expect(app.handled).toEqual([]);
  });

  it.skipIf(!up)("retries the ticked messages and all that match", async () => {
    const { app, base } = await started();
    const [a, b] = [await app.park(new Job(1)), await app.park(new Job(2))];
    await app.park(new Job(3));
    await app.park(new Job(4));
    const selected = await post(`${base}/failed/failed/retry`, { _csrf: await csrf(base), ids: [a!, b!] });
    expect(selected.headers.get("location")).toContain("done=bulk-retried&n=2&h=2&f=0&s=0");
    expect(app.handled).toEqual([1, 2]);
    const all = await post(`${base}/failed/failed/retry`, {
      _csrf: await csrf(base),
      all: "1",
      confirm: "1",
    });
    expect(all.headers.get("location")).toContain("done=bulk-retried&n=2&h=2&f=0&s=0");
    expect(app.handled).toEqual([1, 2, 3, 4]);
    expect(await listIds(app)).toEqual([]);
  });

  it.skipIf(!up)(
    "lists a page at a time with all(limit, after), and filters by class as failed:show does",
    async () => {
      const { app, base } = await started();
      const ids: string[] = [];
      for (let n = 1; n <= 5; n++) ids.push(await app.park(n % 2 ? new Job(n) : new Report(`r${n}`)));
      const first = await (await fetch(`${base}/failed?max=2`)).text();
      expect([...first.matchAll(/data-testid="failed-row" data-id="([^"]+)"/g)].map((m) => m[1])).toEqual(
        ids.slice(0, 2),
      );
      const next = /href="([^"]+)" data-testid="next-page"/.exec(first)![1]!.replaceAll("&amp;", "&");
      expect(next).toBe(`/dashboard/failed?transport=failed&max=2&after=${ids[1]}`);
      const second = await (await fetch(`${base}${next.slice("/dashboard".length)}`)).text();
      expect([...second.matchAll(/data-testid="failed-row" data-id="([^"]+)"/g)].map((m) => m[1])).toEqual(
        ids.slice(2, 4),
      );
      const jobs = await (await fetch(`${base}/failed?class=Job&max=5`)).text();
      expect([...jobs.matchAll(/data-testid="failed-row" data-id="([^"]+)"/g)].map((m) => m[1])).toEqual([
        ids[0],
        ids[2],
        ids[4],
      ]);
      expect(jobs).toContain("End of the list.");
    },
  );
});
