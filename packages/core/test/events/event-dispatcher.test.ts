import { describe, expect, it } from "vitest";
import { EventDispatcher, StoppableEvent } from "../../src/events/event-dispatcher.js";

class Ping {
  readonly seen: string[] = [];
}

class Halt extends StoppableEvent {
  readonly seen: string[] = [];
}

const record =
  (name: string) =>
  (event: { seen: string[] }): void => {
    event.seen.push(name);
  };

describe("EventDispatcher", () => {
  it("runs higher priorities first, then in registration order, and awaits each listener", async () => {
    const events = new EventDispatcher();
    events.on(Ping, record("a"));
    events.on(Ping, async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      event.seen.push("slow b");
    });
    events.on(Ping, record("high"), 10);
    events.on(Ping, record("low"), -10);
    events.on(Ping, record("c"));
    expect((await events.dispatch(new Ping())).seen).toEqual(["high", "a", "slow b", "c", "low"]);
  });

  it("dispatches by exact class only", async () => {
    class Pong extends Ping {}
    const events = new EventDispatcher();
    events.on(Ping, record("ping"));
    expect((await events.dispatch(new Pong())).seen).toEqual([]);
    expect(events.hasListeners(Pong)).toBe(false);
    expect(events.hasListeners(Ping)).toBe(true);
  });

  it("stops at the listener that stops propagation", async () => {
    const events = new EventDispatcher();
    events.on(Halt, record("first"));
    events.on(Halt, (event) => {
      event.seen.push("stopper");
      event.stopPropagation();
    });
    events.on(Halt, record("never"));
    expect((await events.dispatch(new Halt())).seen).toEqual(["first", "stopper"]);
  });

  it("removes a listener with the function on() returned, once", async () => {
    const events = new EventDispatcher();
    const off = events.on(Ping, record("a"));
    events.on(Ping, record("b"));
    off();
    off();
    expect((await events.dispatch(new Ping())).seen).toEqual(["b"]);
    expect(events.hasListeners(Ping)).toBe(true);
  });

  it("walks the list as it was when the dispatch started: listeners added or removed meanwhile count from the next event", async () => {
    const events = new EventDispatcher();
    let offB: () => void = () => {};
    events.on(Ping, (event) => {
      event.seen.push("a");
      events.on(Ping, record("added"));
      offB();
    });
    offB = events.on(Ping, record("b"));
    expect((await events.dispatch(new Ping())).seen).toEqual(["a", "b"]);
    // the first listener adds another "added" each time it runs
    expect((await events.dispatch(new Ping())).seen).toEqual(["a", "added"]);
  });

  describe("a child", () => {
    it("sees its parent's listeners, its own first at equal priority; the parent does not see the child's", async () => {
      const parent = new EventDispatcher();
      parent.on(Ping, record("parent"));
      parent.on(Ping, record("parent high"), 5);
      const child = parent.child();
      child.on(Ping, record("child"));
      expect((await child.dispatch(new Ping())).seen).toEqual(["parent high", "child", "parent"]);
      expect((await parent.dispatch(new Ping())).seen).toEqual(["parent high", "parent"]);
      expect(parent.child().hasListeners(Ping)).toBe(true);
    });

    it("follows listeners added to or removed from the parent after it dispatched", async () => {
      const parent = new EventDispatcher();
      const child = parent.child();
      child.on(Ping, record("child"));
      expect((await child.dispatch(new Ping())).seen).toEqual(["child"]);

      const off = parent.on(Ping, record("parent"), 1);
      expect((await child.dispatch(new Ping())).seen).toEqual(["parent", "child"]);

      off();
      expect((await child.dispatch(new Ping())).seen).toEqual(["child"]);
    });

    it("follows its own changes, and its grandparent's", async () => {
      const root = new EventDispatcher();
      const child = root.child();
      const grandchild = child.child();
      expect((await grandchild.dispatch(new Ping())).seen).toEqual([]);
      root.on(Ping, record("root"));
      expect((await grandchild.dispatch(new Ping())).seen).toEqual(["root"]);
      const off = grandchild.on(Ping, record("own"));
      expect((await grandchild.dispatch(new Ping())).seen).toEqual(["own", "root"]);
      off();
      child.on(Ping, record("child"));
      expect((await grandchild.dispatch(new Ping())).seen).toEqual(["child", "root"]);
    });

    it("does not see a sibling's listeners", async () => {
      const parent = new EventDispatcher();
      const one = parent.child();
      const two = parent.child();
      one.on(Ping, record("one"));
      two.on(Ping, record("two"));
      expect((await one.dispatch(new Ping())).seen).toEqual(["one"]);
      expect((await two.dispatch(new Ping())).seen).toEqual(["two"]);
    });
  });
});
