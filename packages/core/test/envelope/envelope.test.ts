import { describe, expect, it } from "vitest";
import {
  BusNameStamp,
  DelayStamp,
  Envelope,
  InvalidArgumentError,
  NonSendableStamp,
  ReceivedStamp,
  Stamp,
} from "../../src/index.js";

class Ping {
  constructor(readonly n = 1) {}
}
class SpecialReceived extends ReceivedStamp {}
class Marker extends NonSendableStamp {}

describe("Envelope", () => {
  it("is immutable: with() returns a new envelope and leaves the original untouched", () => {
    const a = Envelope.wrap(new Ping());
    const b = a.with(new DelayStamp(5));
    expect(b).not.toBe(a);
    expect(a.last(DelayStamp)).toBeUndefined();
    expect(b.last(DelayStamp)?.delay).toBe(5);
    expect(b.message).toBe(a.message);
  });

  it("keeps stamps of one class in insertion order; last() returns the newest", () => {
    const e = Envelope.wrap(new Ping(), [new DelayStamp(1), new DelayStamp(2)]).with(new DelayStamp(3));
    expect(e.all(DelayStamp).map((s) => s.delay)).toEqual([1, 2, 3]);
    expect(e.last(DelayStamp)?.delay).toBe(3);
  });

  it("looks stamps up by exact class only", () => {
    const e = Envelope.wrap(new Ping(), [new SpecialReceived("a")]);
    expect(e.last(ReceivedStamp)).toBeUndefined();
    expect(e.last(SpecialReceived)?.transportName).toBe("a");
  });

  it("withoutAll removes one exact class; withoutStampsOfType removes subclasses too", () => {
    const e = Envelope.wrap(new Ping(), [
      new ReceivedStamp("x"),
      new SpecialReceived("y"),
      new Marker(),
      new BusNameStamp("b"),
    ]);
    const a = e.withoutAll(ReceivedStamp);
    expect(a.has(ReceivedStamp)).toBe(false);
    expect(a.has(SpecialReceived)).toBe(true);
    const b = e.withoutStampsOfType(ReceivedStamp);
    expect(b.has(SpecialReceived)).toBe(false);
    expect(b.has(Marker)).toBe(true);
    const c = e.withoutStampsOfType(NonSendableStamp);
    expect([...c.all().keys()]).toEqual([BusNameStamp]);
    expect(e.withoutStampsOfType(Stamp).all().size).toBe(0);
  });

  it("wrap reuses an envelope and adds the stamps", () => {
    const e = Envelope.wrap(new Ping());
    expect(Envelope.wrap(e)).toBe(e);
    expect(Envelope.wrap(e, [new DelayStamp(9)]).last(DelayStamp)?.delay).toBe(9);
  });

  it("all() without a class returns every stamp grouped by class", () => {
    const e = Envelope.wrap(new Ping(), [new DelayStamp(1), new BusNameStamp("b"), new DelayStamp(2)]);
    const all = e.all();
    expect(all.get(DelayStamp)).toHaveLength(2);
    expect(all.get(BusNameStamp)).toHaveLength(1);
  });

  it.each([null, undefined, 42, "text", [1, 2]])("refuses to wrap %j, naming it", (value) => {
    expect(() => Envelope.wrap(value as object)).toThrowError(InvalidArgumentError);
    expect(() => Envelope.wrap(value as object)).toThrowError(/must be an object/);
  });
});
