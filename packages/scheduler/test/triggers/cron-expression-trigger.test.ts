import { describe, expect, it } from "vitest";
import { CronExpressionTrigger } from "../../src/index.js";

const at = (iso: string) => new Date(iso);

describe("CronExpressionTrigger", () => {
  it("gives the first match strictly after the date", () => {
    const trigger = new CronExpressionTrigger("*/15 * * * *");
    expect(trigger.getNextRunDate(at("2024-01-01T10:00:00Z"))?.toISOString()).toBe(
      "2024-01-01T10:15:00.000Z",
    );
    expect(trigger.getNextRunDate(at("2024-01-01T10:14:59.999Z"))?.toISOString()).toBe(
      "2024-01-01T10:15:00.000Z",
    );
    expect(trigger.description).toBe("*/15 * * * *");
  });

  it("reads the expression in its time zone, across daylight saving time", () => {
    const trigger = new CronExpressionTrigger("0 9 * * *", "Europe/Paris");
    expect(trigger.getNextRunDate(at("2024-01-10T00:00:00Z"))?.toISOString()).toBe(
      "2024-01-10T08:00:00.000Z",
    );
    expect(trigger.getNextRunDate(at("2024-07-10T00:00:00Z"))?.toISOString()).toBe(
      "2024-07-10T07:00:00.000Z",
    );
    expect(trigger.description).toBe("0 9 * * * (Europe/Paris)");
  });

  it("reads an expression without a zone in UTC, whatever the process's TZ", () => {
    const saved = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      const trigger = new CronExpressionTrigger("30 6 1 * *");
      expect(trigger.getNextRunDate(at("2026-03-02T10:30:00Z"))?.toISOString()).toBe(
        "2026-04-01T06:30:00.000Z",
      );
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("knows the macros, @midnight included, and six fields with seconds", () => {
    expect(
      new CronExpressionTrigger("@midnight").getNextRunDate(at("2024-01-01T10:00:00Z"))?.toISOString(),
    ).toBe("2024-01-02T00:00:00.000Z");
    expect(
      new CronExpressionTrigger("@weekly").getNextRunDate(at("2024-01-01T10:00:00Z"))?.toISOString(),
    ).toBe("2024-01-07T00:00:00.000Z");
    expect(
      new CronExpressionTrigger("*/5 * * * * *").getNextRunDate(at("2024-01-01T10:00:01Z"))?.toISOString(),
    ).toBe("2024-01-01T10:00:05.000Z");
  });

  it.each([
    ["61 * * * *", /Invalid cron expression "61 \* \* \* \*"/],
    ["* * *", /expected 5 fields/],
    ["@sometimes", /expected 5 fields/],
    ["", /non-empty string/],
  ])("rejects %j when it is built", (expression, message) => {
    expect(() => new CronExpressionTrigger(expression)).toThrow(message);
  });

  it("rejects an unknown time zone by name", () => {
    expect(() => new CronExpressionTrigger("0 9 * * *", "Mars/Olympus")).toThrow(
      /Unknown time zone "Mars\/Olympus"/,
    );
  });
});
