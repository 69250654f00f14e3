import { describe, expect, it } from "vitest";
import {
  AbstractDecoratedTrigger,
  CallbackTrigger,
  CronExpressionTrigger,
  ExcludeTimeTrigger,
  JitterTrigger,
  PeriodicalTrigger,
} from "../../src/index.js";

const at = (iso: string) => new Date(iso);

describe("JitterTrigger", () => {
  it("adds 0 to max milliseconds to each run of the inner trigger", () => {
    const inner = new CronExpressionTrigger("0 * * * *");
    const values = [0, 0.5, 0.999_999];
    const trigger = new JitterTrigger(inner, 60_000, () => values.shift()!);
    const from = at("2024-01-01T10:30:00Z");
    expect(trigger.getNextRunDate(from)?.toISOString()).toBe("2024-01-01T11:00:00.000Z");
    expect(trigger.getNextRunDate(from)?.toISOString()).toBe("2024-01-01T11:00:30.000Z");
    expect(trigger.getNextRunDate(from)?.toISOString()).toBe("2024-01-01T11:01:00.000Z");
    expect(trigger.description).toBe("0 * * * * with 0-60 second jitter");
    expect(new JitterTrigger(inner, 500).description).toBe("0 * * * * with 0-500 millisecond jitter");
  });

  it("rejects a negative jitter", () => {
    expect(() => new JitterTrigger(new PeriodicalTrigger(1000), -1)).toThrow(/>= 0/);
  });
});

describe("ExcludeTimeTrigger", () => {
  it("replaces a run inside [from, until] by the inner trigger's first run after until", () => {
    const trigger = new ExcludeTimeTrigger(
      new CronExpressionTrigger("0 * * * *"),
      "2024-01-01T12:00:00Z",
      "2024-01-01T14:00:00Z",
    );
    expect(trigger.getNextRunDate(at("2024-01-01T10:30:00Z"))?.toISOString()).toBe(
      "2024-01-01T11:00:00.000Z",
    );
    expect(trigger.getNextRunDate(at("2024-01-01T11:00:00Z"))?.toISOString()).toBe(
      "2024-01-01T15:00:00.000Z",
    );
    expect(trigger.getNextRunDate(at("2024-01-01T13:10:00Z"))?.toISOString()).toBe(
      "2024-01-01T15:00:00.000Z",
    );
    expect(trigger.description).toBe(
      "0 * * * *, except from 2024-01-01T12:00:00.000Z until 2024-01-01T14:00:00.000Z",
    );
    expect(() => new ExcludeTimeTrigger(new PeriodicalTrigger(1000), "2024-02-01", "2024-01-01")).toThrow(
      /before it starts/,
    );
  });
});

describe("CallbackTrigger", () => {
  it("asks its function, and ends when it returns null", () => {
    const trigger = new CallbackTrigger(function everyOtherDay(after) {
      const next = new Date(after.getTime() + 2 * 86_400_000);
      return next.getUTCFullYear() > 2024 ? null : next;
    });
    expect(trigger.getNextRunDate(at("2024-01-01T00:00:00Z"))?.toISOString()).toBe(
      "2024-01-03T00:00:00.000Z",
    );
    expect(trigger.getNextRunDate(at("2024-12-31T00:00:00Z"))).toBeNull();
    expect(trigger.description).toBe("callback everyOtherDay");
    expect(new CallbackTrigger(() => null, "never").description).toBe("never");
    expect(() => new CallbackTrigger((() => "tomorrow") as never).getNextRunDate(new Date())).toThrow(
      /valid Date or null/,
    );
  });
});

describe("decorated triggers", () => {
  it("know their innermost trigger and their chain of decorators, and forward continue()", () => {
    const periodical = new PeriodicalTrigger("1 minute");
    const excluded = new ExcludeTimeTrigger(periodical, "2024-01-01T00:10:00Z", "2024-01-01T00:20:00Z");
    const jittered = new JitterTrigger(excluded, 0);
    expect(jittered.inner()).toBe(periodical);
    expect([...jittered.decorators()]).toEqual([jittered, excluded]);
    expect(jittered).toBeInstanceOf(AbstractDecoratedTrigger);

    jittered.continue(at("2024-01-01T00:00:30Z"));
    expect(periodical.from?.toISOString()).toBe("2024-01-01T00:00:30.000Z");
    expect(jittered.getNextRunDate(at("2024-01-01T00:09:45Z"))?.toISOString()).toBe(
      "2024-01-01T00:20:30.000Z",
    );
    expect(jittered.description).toBe(
      "every 1 minute, except from 2024-01-01T00:10:00.000Z until 2024-01-01T00:20:00.000Z with 0-0 second jitter",
    );
  });
});
