import { describe, expect, it } from "vitest";
import { PeriodicalTrigger, parseInterval } from "../../src/index.js";

const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The first `count` runs after `start`, each fed back in as the generator does. */
function runs(trigger: PeriodicalTrigger, start: Date, count: number): (string | null)[] {
  const out: (string | null)[] = [];
  let after: Date | null = start;
  for (let i = 0; i < count && after; i++) {
    after = trigger.getNextRunDate(after);
    out.push(iso(after));
  }
  return out;
}

describe("PeriodicalTrigger", () => {
  it("runs every N milliseconds, the first one interval after its anchor", () => {
    const trigger = new PeriodicalTrigger(1500);
    trigger.continue(at("2024-01-01T00:00:00Z"));
    expect(runs(trigger, at("2024-01-01T00:00:00Z"), 3)).toEqual([
      "2024-01-01T00:00:01.500Z",
      "2024-01-01T00:00:03.000Z",
      "2024-01-01T00:00:04.500Z",
    ]);
    expect(trigger.description).toBe("every 1500 milliseconds");
  });

  it.each([
    ["30 seconds", 30_000, "every 30 seconds"],
    ["10 minutes", 600_000, "every 10 minutes"],
    ["1 week", 604_800_000, "every 1 week"],
    ["1 hour 30 minutes", 5_400_000, "every 1 hour 30 minutes"],
    ["PT1H", 3_600_000, "every PT1H"],
    ["P1DT12H", 129_600_000, "every P1DT12H"],
    ["250", 250, "every 250 milliseconds"],
  ])("parses %j as a fixed interval", (text, ms, description) => {
    const trigger = new PeriodicalTrigger(text);
    expect(trigger.interval).toEqual({ months: 0, ms });
    expect(trigger.description).toBe(description);
    trigger.continue(at("2024-03-01T00:00:00Z"));
    expect(trigger.getNextRunDate(at("2024-03-01T00:00:00Z"))?.getTime()).toBe(Date.UTC(2024, 2, 1) + ms);
  });

  it("keeps the cadence anchored at `from`, whatever date it is asked from", () => {
    const trigger = new PeriodicalTrigger("10 minutes", "2024-01-01T00:05:00Z");
    expect(iso(trigger.getNextRunDate(at("2024-01-01T03:17:42Z")))).toBe("2024-01-01T03:25:00.000Z");
    expect(iso(trigger.getNextRunDate(at("2024-01-01T03:25:00Z")))).toBe("2024-01-01T03:35:00.000Z");
    // Before `from`: the first run is `from` itself.
    expect(iso(trigger.getNextRunDate(at("2023-12-31T00:00:00Z")))).toBe("2024-01-01T00:05:00.000Z");
    // An explicit `from` is not moved by the schedule's start.
    trigger.continue(at("2024-06-01T00:00:07Z"));
    expect(iso(trigger.getNextRunDate(at("2024-06-01T00:00:07Z")))).toBe("2024-06-01T00:05:00.000Z");
  });

  it("without `from`, the first date it sees anchors it, and continue() re-anchors it", () => {
    const trigger = new PeriodicalTrigger(60_000);
    expect(iso(trigger.getNextRunDate(at("2024-01-01T00:00:30Z")))).toBe("2024-01-01T00:01:30.000Z");
    trigger.continue(at("2024-01-01T00:00:00Z"));
    expect(iso(trigger.getNextRunDate(at("2024-01-01T00:00:30Z")))).toBe("2024-01-01T00:01:00.000Z");
  });

  it("stops before `until`", () => {
    const trigger = new PeriodicalTrigger("1 hour", "2024-01-01T00:00:00Z", "2024-01-01T03:00:00Z");
    expect(runs(trigger, at("2024-01-01T00:00:00Z"), 4)).toEqual([
      "2024-01-01T01:00:00.000Z",
      "2024-01-01T02:00:00.000Z",
      null,
    ]);
    expect(trigger.getNextRunDate(at("2024-01-01T05:00:00Z"))).toBeNull();
  });

  it("adds calendar months, clamped to the end of shorter months", () => {
    const trigger = new PeriodicalTrigger("1 month", "2024-01-31T09:00:00Z");
    expect(runs(trigger, at("2024-01-31T09:00:00Z"), 4)).toEqual([
      "2024-02-29T09:00:00.000Z",
      "2024-03-31T09:00:00.000Z",
      "2024-04-30T09:00:00.000Z",
      "2024-05-31T09:00:00.000Z",
    ]);
    expect(iso(trigger.getNextRunDate(at("2026-07-15T00:00:00Z")))).toBe("2026-07-31T09:00:00.000Z");
    const yearly = new PeriodicalTrigger("P1Y", "2024-02-29T00:00:00Z");
    expect(iso(yearly.getNextRunDate(at("2024-03-01T00:00:00Z")))).toBe("2025-02-28T00:00:00.000Z");
  });

  it.each([
    [0, /whole milliseconds > 0/],
    [-5, /whole milliseconds > 0/],
    [1.5, /whole milliseconds > 0/],
    ["", /not a list of amounts/],
    ["every 10 minutes", /not a list of amounts/],
    ["10 fortnights", /unknown unit "fortnights"/],
    ["1.5 months", /whole numbers/],
    ["P", /longer than zero/],
    ["PT", /not an ISO 8601 duration/],
    ["0 seconds", /longer than zero/],
  ])("rejects the interval %j", (value, message) => {
    expect(() => parseInterval(value as number | string)).toThrow(message);
  });

  it("rejects `from` after `until` and invalid dates", () => {
    expect(() => new PeriodicalTrigger(1000, "2024-02-01", "2024-01-01")).toThrow(/must be before/);
    expect(() => new PeriodicalTrigger(1000, "not a date")).toThrow(/Invalid from date/);
  });
});
