import { AsMessage, Envelope, JsonSerializer, MessageDecodingFailedError } from "@messenger-ts/core";
import { StampRegistry } from "@messenger-ts/core/serialization";
import { describe, expect, it } from "vitest";
import { ScheduledStamp, schedulerSendableStamps } from "../src/index.js";

@AsMessage("test.stamp.cleanup")
class Cleanup {}

const stamp = new ScheduledStamp(
  "default",
  "abc123",
  "every 10 minutes",
  new Date("2024-01-01T10:00:00Z"),
  new Date("2024-01-01T10:10:00Z"),
);

describe("ScheduledStamp", () => {
  it("travels through the JSON serializer once registered", () => {
    const serializer = new JsonSerializer({ stamps: new StampRegistry().register(ScheduledStamp) });
    const encoded = serializer.encode(Envelope.wrap(new Cleanup(), [stamp]));
    expect(JSON.parse(encoded.headers["X-Message-Stamp-ScheduledStamp"]!)).toEqual([
      {
        scheduleName: "default",
        messageId: "abc123",
        trigger: "every 10 minutes",
        triggeredAt: "2024-01-01T10:00:00.000Z",
        nextTriggerAt: "2024-01-01T10:10:00.000Z",
      },
    ]);
    expect(serializer.decode(encoded).last(ScheduledStamp)).toEqual(stamp);
    const last = new ScheduledStamp("default", "abc123", "0 3 * * *", new Date("2024-01-01T03:00:00Z"), null);
    expect(
      serializer.decode(serializer.encode(Envelope.wrap(new Cleanup(), [last]))).last(ScheduledStamp),
    ).toEqual(last);
  });

  it("is refused by a serializer with its own registry that does not know it (so register it: schedulerSendableStamps)", () => {
    expect(() =>
      new JsonSerializer({ stamps: new StampRegistry() }).encode(Envelope.wrap(new Cleanup(), [stamp])),
    ).toThrow(/not a registered/);
    // The default serializer knows it: importing the scheduler registered it.
    expect(() => new JsonSerializer().encode(Envelope.wrap(new Cleanup(), [stamp]))).not.toThrow();
    const registry = new StampRegistry();
    for (const type of schedulerSendableStamps) registry.register(type);
    expect(registry.has(ScheduledStamp)).toBe(true);
  });

  it.each([
    [null, /expected an object/],
    [
      { scheduleName: "d", messageId: "i", trigger: "t", triggeredAt: "nope" },
      /"triggeredAt" must be an ISO 8601 date/,
    ],
    [
      { scheduleName: 1, messageId: "i", trigger: "t", triggeredAt: "2024-01-01T00:00:00Z" },
      /"scheduleName"/,
    ],
  ])("rejects bad JSON %j with a decoding error", (data, message) => {
    expect(() => ScheduledStamp.fromJSON(data)).toThrow(MessageDecodingFailedError);
    expect(() => ScheduledStamp.fromJSON(data)).toThrow(message);
  });
});
