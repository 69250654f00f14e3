import { describe, expect, it } from "vitest";
import { sendableStamps } from "../../src/entry-points/serialization.js";
import { AsMessage, Envelope, JsonSerializer, TraceContextStamp } from "../../src/index.js";

class Traced {
  constructor(readonly n: number) {}
}
AsMessage("trace_context_test.traced")(Traced);

const PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("TraceContextStamp", () => {
  it("is a built-in sendable stamp: it travels in its header and comes back equal", () => {
    expect(sendableStamps.has(TraceContextStamp)).toBe(true);
    const serializer = new JsonSerializer();
    const encoded = serializer.encode(
      Envelope.wrap(new Traced(1), [new TraceContextStamp(PARENT, "vendor=abc")]),
    );
    expect(JSON.parse(encoded.headers["X-Message-Stamp-TraceContextStamp"]!)).toEqual([
      { traceparent: PARENT, tracestate: "vendor=abc" },
    ]);
    const stamp = serializer.decode(encoded).last(TraceContextStamp);
    expect(stamp).toEqual(new TraceContextStamp(PARENT, "vendor=abc"));
    expect(stamp?.isValid()).toBe(true);
  });

  it.each([
    ["not W3C", "garbage"],
    ["all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["all-zero parent id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["upper case", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"],
    ["version 00 with extra fields", `${PARENT}-extra`],
    ["empty", ""],
  ])("calls a traceparent invalid when it is %s", (_why, traceparent) => {
    expect(new TraceContextStamp(traceparent).isValid()).toBe(false);
  });

  it("accepts a later version with fields after the flags (the spec's forward rule)", () => {
    expect(
      new TraceContextStamp("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes").isValid(),
    ).toBe(true);
  });

  it.each([
    ["a number", 42],
    ["null", null],
    ["an array", [1]],
    ["a wrong traceparent type", { traceparent: 7, tracestate: 8 }],
  ])("decodes %s into an invalid stamp instead of failing the message", (_why, data) => {
    const stamp = TraceContextStamp.fromJSON(data);
    expect(stamp.isValid()).toBe(false);
    expect(stamp.tracestate).toBeNull();
    const serializer = new JsonSerializer();
    const encoded = serializer.encode(Envelope.wrap(new Traced(2)));
    const decoded = serializer.decode({
      ...encoded,
      headers: { ...encoded.headers, "X-Message-Stamp-TraceContextStamp": JSON.stringify([data]) },
    });
    expect((decoded.message as Traced).n).toBe(2);
    expect(decoded.last(TraceContextStamp)?.isValid()).toBe(false);
  });

  it.each([
    ["not JSON", "garbage"],
    ["not a list", '{"traceparent":"x"}'],
    ["a list with a forbidden key", '[{"__proto__":{"x":1}}]'],
  ])("drops a header that is %s and decodes the message without it", (_why, header) => {
    const serializer = new JsonSerializer();
    const encoded = serializer.encode(Envelope.wrap(new Traced(3)));
    const decoded = serializer.decode({
      ...encoded,
      headers: { ...encoded.headers, "X-Message-Stamp-TraceContextStamp": header },
    });
    expect((decoded.message as Traced).n).toBe(3);
    expect(decoded.has(TraceContextStamp)).toBe(false);
  });
});
