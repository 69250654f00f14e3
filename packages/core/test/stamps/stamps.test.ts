import { describe, expect, it } from "vitest";
import {
  AsMessage,
  DeduplicateStamp,
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  HandlerFailedError,
  InvalidArgumentError,
  JsonSerializer,
  MessageDecodingFailedError,
  PriorityStamp,
  RedeliveryStamp,
  SentAtStamp,
  TransportNamesStamp,
} from "../../src/index.js";

class Job {}

class Timed {
  constructor(readonly n: number) {}
}
AsMessage("stamps_test.timed")(Timed);

describe("DelayStamp", () => {
  it("keeps milliseconds in delayFor and delayUntil", () => {
    expect(DelayStamp.delayFor({ seconds: 1, milliseconds: 250 }).delay).toBe(1250);
    expect(DelayStamp.delayFor({ minutes: 2 }).delay).toBe(120_000);
    expect(DelayStamp.delayFor(15).delay).toBe(15);
    expect(DelayStamp.delayUntil(new Date(10_750), 10_000).delay).toBe(750);
    expect(DelayStamp.delayUntil(5_000, 10_000).delay).toBe(0);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects the delay %s, naming it", (bad) => {
    expect(() => new DelayStamp(bad)).toThrowError(InvalidArgumentError);
    expect(() => new DelayStamp(bad)).toThrowError(String(bad));
  });

  it("rejects an unknown duration unit and lists the allowed ones", () => {
    expect(() => DelayStamp.delayFor({ weeks: 1 } as never)).toThrowError(
      /"weeks".*days, hours, minutes, seconds, milliseconds/,
    );
  });
});

describe("RedeliveryStamp", () => {
  it("reads the retry count from the last stamp, 0 without one", () => {
    const e = Envelope.wrap(new Job());
    expect(RedeliveryStamp.getRetryCountFromEnvelope(e)).toBe(0);
    expect(
      RedeliveryStamp.getRetryCountFromEnvelope(e.with(new RedeliveryStamp(1), new RedeliveryStamp(2))),
    ).toBe(2);
  });
});

describe("ErrorDetailsStamp", () => {
  it("describes the first nested error of a handler-failed error", () => {
    class BoomError extends Error {
      code = "E_BOOM";
    }
    const failed = new HandlerFailedError(Envelope.wrap(new Job()), new Map([["h", new BoomError("boom")]]));
    const stamp = ErrorDetailsStamp.create(failed);
    expect(stamp.errorClass).toBe("BoomError");
    expect(stamp.errorCode).toBe("E_BOOM");
    expect(stamp.errorMessage).toBe("boom");
    expect(stamp.equals(ErrorDetailsStamp.create(new BoomError("boom")))).toBe(true);
    expect(stamp.equals(ErrorDetailsStamp.create(new BoomError("other")))).toBe(false);
  });
});

describe("TransportNamesStamp and DeduplicateStamp", () => {
  it("accept one or several names and refuse none", () => {
    expect(new TransportNamesStamp("a").transportNames).toEqual(["a"]);
    expect(new TransportNamesStamp(["a", "b"]).transportNames).toEqual(["a", "b"]);
    expect(() => new TransportNamesStamp([])).toThrowError(InvalidArgumentError);
  });

  it("validate the deduplication key and ttl", () => {
    expect(new DeduplicateStamp("k").ttl).toBe(300_000);
    expect(() => new DeduplicateStamp("")).toThrowError(/non-empty/);
    expect(() => new DeduplicateStamp("k", 0)).toThrowError(/ttl/);
  });

  it("take a mode, preserve by default, and name the allowed ones for a bad one", () => {
    expect(new DeduplicateStamp("k").mode).toBe("preserve");
    expect(() => new DeduplicateStamp("k", 1_000, false, "lifo" as never)).toThrowError(
      /mode must be one of preserve, replace, throttle, debounce, got "lifo"/,
    );
    expect(new DeduplicateStamp("k", 1_000, false, "replace").releasedOnClaim).toBe(true);
    expect(new DeduplicateStamp("k", 1_000, true).releasedOnClaim).toBe(true);
    expect(new DeduplicateStamp("k", 1_000, false, "throttle").releasedOnClaim).toBe(false);
  });

  it("travel with their mode; a header without one reads as preserve", () => {
    const stamp = new DeduplicateStamp("k", 5_000, true, "debounce");
    expect(JSON.parse(JSON.stringify(stamp))).toEqual({
      key: "k",
      ttl: 5_000,
      onlyDeduplicateInQueue: true,
      mode: "debounce",
    });
    expect(DeduplicateStamp.fromJSON(JSON.parse(JSON.stringify(stamp)))).toEqual(stamp);
    expect(DeduplicateStamp.fromJSON({ key: "k", ttl: 5_000 })).toEqual(new DeduplicateStamp("k", 5_000));
  });
});

describe("PriorityStamp", () => {
  it("takes 0 to 255 and travels as its JSON form", () => {
    expect(new PriorityStamp(0).priority).toBe(0);
    expect(PriorityStamp.fromJSON(JSON.parse(JSON.stringify(new PriorityStamp(255))))).toEqual(
      new PriorityStamp(255),
    );
  });

  it.each([-1, 256, 1.5, Number.NaN])("refuses the priority %s, naming the range", (bad) => {
    expect(() => new PriorityStamp(bad)).toThrowError(/from 0 to 255, got/);
  });
});

describe("SentAtStamp", () => {
  it("travels as its JSON form", () => {
    const stamp = new SentAtStamp(1_700_000_000_123);
    expect(SentAtStamp.fromJSON(JSON.parse(JSON.stringify(stamp)))).toEqual(stamp);
  });

  it.each([-1, 1.5, "1700000000000", null])("refuses to decode the time %s, naming it", (bad) => {
    expect(() => SentAtStamp.fromJSON({ sentAt: bad })).toThrowError(MessageDecodingFailedError);
    expect(() => SentAtStamp.fromJSON({ sentAt: bad })).toThrowError(/SentAtStamp/);
  });

  it.each([
    ["a bad time", '[{"sentAt":-1}]'],
    ["not JSON", "garbage"],
  ])("in a message, a header with %s is dropped and the message decodes without it", (_why, header) => {
    const serializer = new JsonSerializer();
    const encoded = serializer.encode(Envelope.wrap(new Timed(1), [new SentAtStamp(1)]));
    const decoded = serializer.decode({
      ...encoded,
      headers: { ...encoded.headers, "X-Message-Stamp-SentAtStamp": header },
    });
    expect((decoded.message as Timed).n).toBe(1);
    expect(decoded.has(SentAtStamp)).toBe(false);
  });
});
