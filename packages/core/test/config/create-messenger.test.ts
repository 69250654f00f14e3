import { describe, expect, it } from "vitest";
import { SyncTransport } from "../../src/entry-points/transport.js";
import {
  createMessenger,
  DelayStamp,
  defineHandler,
  EventDispatcher,
  HandledStamp,
  InvalidArgumentError,
  ReceivedStamp,
  SendMessageToTransportsEvent,
} from "../../src/index.js";
import { RecordingTransportFactory } from "../fixtures/recording-transport.js";

class Ping {}

describe("createMessenger", () => {
  it("rejects unknown keys, naming them and listing the allowed ones", () => {
    expect(() => createMessenger({ handlers: [], rooting: {} } as never)).toThrowError(
      /Unknown key "rooting" in the messenger configuration; allowed: defaultBus, buses, transports/,
    );
    expect(() =>
      createMessenger({ handlers: [], transports: { a: { dsn: "sync://", retry: {} } } } as never),
    ).toThrowError(/Unknown key "retry" in transport "a"/);
    expect(() => createMessenger({ handlers: [], buses: { b: { middlewares: [] } } } as never)).toThrowError(
      /Unknown key "middlewares" in bus "b"/,
    );
  });

  it("names the package to install for a known but unregistered scheme", () => {
    expect(() =>
      createMessenger({ handlers: [], transports: { async: "redis://localhost:6379/messages" } }),
    ).toThrowError(
      /No transport supports the DSN "redis:\/\/localhost:6379\/messages" of transport "async". Install and register @messenger-ts\/transport-redis/,
    );
  });

  it("never shows a DSN password in errors", () => {
    const error = (() => {
      try {
        createMessenger({ handlers: [], transports: { db: "postgres://app:s3cr3t@db:5432/app" } });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error?.message).toContain("postgres://app:***@db:5432/app");
    expect(error?.message).not.toContain("s3cr3t");
  });

  it("rejects an invalid DSN and an unknown transport option", () => {
    expect(() => createMessenger({ handlers: [], transports: { a: "not a dsn" } })).toThrowError(
      /No transport supports the DSN "not a dsn"/,
    );
    expect(() =>
      createMessenger({
        handlers: [],
        transportFactories: [new RecordingTransportFactory()],
        transports: { a: "record://?bogus=1" },
      }),
    ).toThrowError(/Unknown option "bogus" for transport "a" \(record:\/\/\); allowed: flag/);
  });

  it("checks failure transports and resolves the global one per transport", () => {
    expect(() =>
      createMessenger({ handlers: [], transports: { a: "sync://" }, failureTransport: "failed" }),
    ).toThrowError(/Unknown failure transport "failed" in failureTransport; configured transports: a/);
    const messenger = createMessenger({
      handlers: [],
      transportFactories: [new RecordingTransportFactory()],
      transports: {
        async: "record://",
        other: { dsn: "record://", failureTransport: "other_failed" },
        failed: "record://",
        other_failed: "record://",
      },
      failureTransport: "failed",
    });
    expect(messenger.getFailureTransportName("async")).toBe("failed");
    expect(messenger.getFailureTransportName("other")).toBe("other_failed");
    expect(messenger.getFailureTransportName("failed")).toBeUndefined();
    expect(messenger.failureTransportName).toBe("failed");
    expect(messenger.failureTransportNames).toEqual(["failed", "other_failed"]);
    expect(() => messenger.getTransport("nope")).toThrowError(
      /Unknown transport "nope"; configured transports: async, other, failed, other_failed/,
    );
  });

  it("lists receivers without the sync transport", () => {
    const messenger = createMessenger({
      handlers: [],
      transportFactories: [new RecordingTransportFactory()],
      transports: { sync: "sync://", async: "record://" },
    });
    expect(messenger.getTransport("sync")).toBeInstanceOf(SyncTransport);
    expect(messenger.receiverNames).toEqual(["async"]);
  });
});

describe("sync:// transport", () => {
  it("handles a message routed to it at once, as received from that transport", async () => {
    const received: (string | undefined)[] = [];
    const messenger = createMessenger({
      transports: { now: "sync://" },
      routing: { Ping: "now" },
      handlers: [
        defineHandler(Ping, function ping() {
          return "pong";
        }),
      ],
    });
    messenger.events.on(SendMessageToTransportsEvent, (e) => {
      received.push(e.envelope.last(ReceivedStamp)?.transportName);
    });
    const envelope = await messenger.bus.dispatch(new Ping());
    expect(envelope.last(HandledStamp)?.result).toBe("pong");
    expect(envelope.last(ReceivedStamp)?.transportName).toBe("now");
    expect(received).toEqual([undefined]);
    expect(
      await messenger
        .getTransport("now")
        .get()
        .catch((e) => e.message),
    ).toMatch(/cannot receive/);
  });
});

describe("send-message-to-transports event", () => {
  it("runs once before sending, and its listeners may replace the envelope", async () => {
    const factory = new RecordingTransportFactory();
    const events = new EventDispatcher();
    let calls = 0;
    events.on(SendMessageToTransportsEvent, (event) => {
      calls++;
      expect([...event.senders.keys()]).toEqual(["a", "b"]);
      event.envelope = event.envelope.with(new DelayStamp(500));
    });
    const messenger = createMessenger({
      handlers: [],
      events,
      transportFactories: [factory],
      transports: { a: "record://", b: "record://" },
      routing: { Ping: ["a", "b"] },
    });
    await messenger.bus.dispatch(new Ping());
    expect(calls).toBe(1);
    expect(factory.created.get("a")?.sent[0]?.last(DelayStamp)?.delay).toBe(500);
    expect(factory.created.get("b")?.sent[0]?.last(DelayStamp)?.delay).toBe(500);
  });
});

describe("EventDispatcher", () => {
  it("runs listeners by priority, then registration order, and can remove them", async () => {
    class Happened {}
    const events = new EventDispatcher();
    const order: string[] = [];
    events.on(Happened, () => void order.push("0a"));
    events.on(Happened, async () => void order.push("100"), 100);
    const off = events.on(Happened, () => void order.push("-5"), -5);
    events.on(Happened, () => void order.push("0b"));
    await events.dispatch(new Happened());
    off();
    await events.dispatch(new Happened());
    expect(order).toEqual(["100", "0a", "0b", "-5", "100", "0a", "0b"]);
  });
});
