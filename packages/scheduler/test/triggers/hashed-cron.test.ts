import { AsMessage } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import {
  CronExpressionTrigger,
  expandHashedCronExpression,
  HASHED_CRON_ALIASES,
  RecurringMessage,
} from "../../src/index.js";

@AsMessage("test.hashed.sync_leads")
class SyncLeads {
  constructor(readonly source: string) {}
}

const fieldsOf = (expression: string) => expression.split(" ").map(Number);

describe("hashed cron expressions", () => {
  it("fill each # with a value that depends only on the context", () => {
    const first = expandHashedCronExpression("# # * * *", "context-a");
    expect(expandHashedCronExpression("# # * * *", "context-a")).toBe(first);
    expect(first).toMatch(/^\d+ \d+ \* \* \*$/);
    // Over many contexts the values spread over the whole allowed range, and never outside it.
    const minutes = new Set<number>();
    const hours = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const [minute, hour] = fieldsOf(expandHashedCronExpression("# # * * *", `job-${i}`));
      minutes.add(minute!);
      hours.add(hour!);
    }
    expect(Math.min(...minutes)).toBe(0);
    expect(Math.max(...minutes)).toBe(59);
    expect(hours.size).toBe(24);
    expect(Math.max(...hours)).toBe(23);
  });

  it("stay within Symfony's ranges: day of month 1-28, month 1-12, weekday 0-6", () => {
    for (let i = 0; i < 300; i++) {
      const [minute, hour, day, month, weekday] = fieldsOf(expandHashedCronExpression("# # # # #", `c${i}`));
      expect(minute).toBeGreaterThanOrEqual(0);
      expect(minute).toBeLessThanOrEqual(59);
      expect(hour).toBeLessThanOrEqual(23);
      expect(day).toBeGreaterThanOrEqual(1);
      expect(day).toBeLessThanOrEqual(28);
      expect(month).toBeGreaterThanOrEqual(1);
      expect(month).toBeLessThanOrEqual(12);
      expect(weekday).toBeGreaterThanOrEqual(0);
      expect(weekday).toBeLessThanOrEqual(6);
    }
  });

  it("honour #(a-b) ranges and leave other fields alone", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const fields = expandHashedCronExpression("#(0-5) #(22-23) * * 1#2", `r${i}`).split(" ");
      expect(fields.slice(2)).toEqual(["*", "*", "1#2"]);
      seen.add(Number(fields[0]));
      expect(Number(fields[1])).toBeGreaterThanOrEqual(22);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => expandHashedCronExpression("#(5-1) * * * *", "x")).toThrow(/lowest first/);
    expect(() => expandHashedCronExpression("#(0-75) * * * *", "x")).toThrow(/within 0-59/);
  });

  it.each(Object.entries(HASHED_CRON_ALIASES))("expand the alias %s (%s)", (alias, pattern) => {
    const expression = expandHashedCronExpression(alias, "the-context");
    const fields = expression.split(" ");
    pattern.split(" ").forEach((field, i) => {
      if (field === "*") expect(fields[i]).toBe("*");
      else expect(fields[i]).toMatch(/^\d+$/);
    });
    if (alias.includes("midnight")) expect(Number(fields[1])).toBeLessThanOrEqual(2);
    // The expanded expression is a valid cron expression.
    expect(
      new CronExpressionTrigger(expression).getNextRunDate(new Date("2024-01-01T00:00:00Z")),
    ).toBeInstanceOf(Date);
  });

  it("need a context", () => {
    expect(() => CronExpressionTrigger.fromSpec("#daily")).toThrow(/context/);
    expect(() => expandHashedCronExpression("# # * *", "x")).toThrow(/5 fields/);
  });

  it("are seeded by the message: the same message always gets the same time, another one usually not", () => {
    const a = RecurringMessage.cron("#daily", new SyncLeads("crm"));
    const again = RecurringMessage.cron("#daily", new SyncLeads("crm"));
    expect(again.trigger.description).toBe(a.trigger.description);
    expect(again.id).toBe(a.id);
    const descriptions = new Set(
      Array.from(
        { length: 20 },
        (_, i) => RecurringMessage.cron("#daily", new SyncLeads(`s${i}`)).trigger.description,
      ),
    );
    expect(descriptions.size).toBeGreaterThan(15);
  });

  it("seed cron-parser's own H fields too, so they are stable across processes", () => {
    const a = CronExpressionTrigger.fromSpec("H * * * *", "seed-1");
    const b = CronExpressionTrigger.fromSpec("H * * * *", "seed-1");
    const from = new Date("2024-01-01T00:00:00Z");
    expect(a.getNextRunDate(from)?.toISOString()).toBe(b.getNextRunDate(from)?.toISOString());
  });
});
