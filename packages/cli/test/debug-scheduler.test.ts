// `debug:scheduler` through the standalone bin, against test/fixtures/debug-app.config.mjs:
// schedules "default" (four recurring messages, one finished), "empty" and "reports". TZ=UTC so
// that the RFC 2822 dates, printed in the process's time zone, are the same on every machine.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

// Several child processes per test; on a loaded 2-core CI machine each can take seconds to start.
const CHILD_TIMEOUT = 30_000;

const CONFIG = fileURLToPath(new URL("./fixtures/debug-app.config.mjs", import.meta.url));
const debugScheduler = (args: readonly string[], config = CONFIG, tz = "UTC") =>
  runCli(["--config", config, "debug:scheduler", ...args], { env: { TZ: tz } });

// A Monday, 10:30 UTC (11:30 in Paris).
const DATE = "--date=2026-03-02T10:30:00Z";

describe("debug:scheduler", { timeout: CHILD_TIMEOUT }, () => {
  it("lists every schedule's recurring messages with their next run from --date", async () => {
    const result = await debugScheduler([DATE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "Scheduler",
        "=========",
        "",
        "default",
        "-------",
        "",
        "Trigger                     Provider                Next Run",
        "every 1 hour                app.sync_leads          Mon, 02 Mar 2026 11:00:00 +0000",
        "0 9 * * 1-5 (Europe/Paris)  app.send_report(daily)  Tue, 03 Mar 2026 08:00:00 +0000",
        "90 minutes after            due reminders           Mon, 02 Mar 2026 12:00:00 +0000",
        "",
        "empty",
        "-----",
        "",
        "reports",
        "-------",
        "",
        "Trigger     Provider                  Next Run",
        "30 6 1 * *  app.send_report(monthly)  Wed, 01 Apr 2026 06:30:00 +0000",
        "",
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe(
      [
        "// All next run dates computed from Mon, 02 Mar 2026 10:30:00 +0000.",
        '[WARNING] No recurring messages found for schedule "empty".',
        "",
      ].join("\n"),
    );
  });

  it("prints the dates in the process's time zone with its offset", async () => {
    const result = await debugScheduler(["default", DATE], CONFIG, "America/New_York");
    expect(result.code).toBe(0);
    // 11:00 UTC; New York is on standard time until 8 March 2026.
    expect(result.stdout).toContain(
      "every 1 hour                app.sync_leads          Mon, 02 Mar 2026 06:00:00 -0500",
    );
    expect(result.stderr).toBe("// All next run dates computed from Mon, 02 Mar 2026 05:30:00 -0500.\n");
  });

  it("shows finished recurring messages only with --all, with - as their next run", async () => {
    const result = await debugScheduler(["default", DATE, "--all"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("every 1 day                 app.purge_old           -\n");
    expect(result.stdout).not.toContain("reports");
    expect((await debugScheduler(["default", DATE])).stdout).not.toContain("app.purge_old");
  });

  it("computes from now without --date, and says nothing about the date then", async () => {
    const result = await debugScheduler(["reports"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const nextRun = /30 6 1 \* \* {2}app\.send_report\(monthly\) {2}(.+)\n/.exec(result.stdout)?.[1];
    expect(nextRun).toMatch(/^\w{3}, 01 \w{3} \d{4} 06:30:00 \+0000$/);
    expect(Date.parse(nextRun!)).toBeGreaterThan(Date.now());
  });

  it("prints the same as JSON, with ISO dates and null for a finished message", async () => {
    const result = await debugScheduler(["default", "empty", DATE, "--all", "--format=json"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const json = JSON.parse(result.stdout);
    expect(json.date).toBe("2026-03-02T10:30:00.000Z");
    expect(Object.keys(json.schedules)).toEqual(["default", "empty"]);
    expect(json.schedules.empty).toEqual([]);
    expect(
      json.schedules.default.map(({ id, ...rest }: { id: string }) => {
        expect(id).toMatch(/^[\w-]{16}$/);
        return rest;
      }),
    ).toEqual([
      {
        trigger: "every 1 hour",
        provider: "app.sync_leads",
        message_types: ["app.sync_leads"],
        next_run: "2026-03-02T11:00:00.000Z",
      },
      {
        trigger: "0 9 * * 1-5 (Europe/Paris)",
        provider: "app.send_report(daily)",
        message_types: ["app.send_report"],
        next_run: "2026-03-03T08:00:00.000Z",
      },
      { trigger: "every 1 day", provider: "app.purge_old", message_types: ["app.purge_old"], next_run: null },
      {
        trigger: "90 minutes after",
        provider: "due reminders",
        message_types: [],
        next_run: "2026-03-02T12:00:00.000Z",
      },
    ]);
  });

  it("refuses an unknown schedule and a bad date with usage errors", async () => {
    const unknown = await debugScheduler(["default", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      '[ERROR] Unknown schedule "nope"; available schedules: default, empty, reports.\n',
    );
    expect(unknown.stdout).toBe("");

    const badDate = await debugScheduler(["--date=next tuesday"]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('"next tuesday" is not a date; use ISO 8601');
  });

  it("is an error with exit code 2 when the application has no schedules", async () => {
    const noSchedules = fileURLToPath(new URL("./fixtures/standalone-function.config.mjs", import.meta.url));
    const result = await debugScheduler([], noSchedules);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("[ERROR] No schedules found.\n");
    expect(result.stdout).toBe("");
  });
});
