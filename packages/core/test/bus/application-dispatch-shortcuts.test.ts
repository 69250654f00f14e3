// This file must not import `@messenger-ts/core/dispatch-after-current-bus` (src/dispatch-after-current-bus.ts):
// importing it switches on root tracking for the whole test file, and the bus's shortcuts with it.
import { describe, expect, it } from "vitest";
import {
  DecodeFailedMessageMiddleware,
  HandleMessageMiddleware,
  MiddlewareMessageBus,
  SendMessageMiddleware,
} from "../../src/entry-points/middleware.js";
import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
  type BrokerRedeliveryAware,
  BusNameStamp,
  ConsumedByWorkerStamp,
  createMessenger,
  defineHandler,
  Envelope,
  HandledStamp,
  HandlerArgumentsStamp,
  type Messenger,
  type MessengerConfig,
  type Middleware,
  NonSendableStamp,
  Query,
  ReceivedStamp,
  SentToFailureTransportStamp,
  Stamp,
  TransportNamesStamp,
} from "../../src/index.js";
import { UndecodableMessage } from "../../src/serialization/undecodable-message.js";
import { RecordingTransportFactory } from "../fixtures/recording-transport.js";

class PlaceOrder {
  constructor(readonly id: string) {}
}
class CancelOrder {
  constructor(readonly id: string) {}
}
class OrderTotal extends Query<number> {}

class BrokerReceivedStamp extends NonSendableStamp implements BrokerRedeliveryAware {
  constructor(readonly isRedeliveredByBroker: boolean) {
    super();
  }
}

/** A stand-in with the same behaviour but another class: the bus cannot recognise it, so it runs it. */
function opaque(middleware: Middleware): Middleware {
  return { handle: (envelope, stack) => middleware.handle(envelope, stack) };
}

/**
 * The same configuration twice: the messenger's own bus (shortcuts on), and a bus running the same
 * middleware instances of a second messenger through the plain stack, every one of them called.
 */
function pair(config: () => MessengerConfig): { fast: Messenger["bus"]; full: MiddlewareMessageBus } {
  const fast = createMessenger(config()).bus;
  const other = createMessenger(config()).bus as MiddlewareMessageBus;
  return { fast, full: new MiddlewareMessageBus(other.name, other.middleware.map(opaque)) };
}

function describeStamp(stamp: Stamp): unknown {
  const fields = Object.fromEntries(
    Object.entries(stamp).map(([key, value]) => [key, value instanceof Error ? value.message : value]),
  );
  return [stamp.constructor.name, fields];
}

function describeEnvelope(envelope: Envelope): unknown {
  return { message: envelope.message, stamps: envelope.stamps().map(describeStamp) };
}

/** What a dispatch produced, in a form two runs can be compared by. */
async function outcome(run: () => Promise<Envelope>): Promise<unknown> {
  try {
    return { resolved: describeEnvelope(await run()) };
  } catch (error) {
    const e = error as Error & { envelope?: Envelope; errorsByHandler?: ReadonlyMap<string, Error> };
    return {
      rejected: e.constructor.name,
      message: e.message,
      code: (e as { code?: string }).code,
      envelope: e.envelope ? describeEnvelope(e.envelope) : undefined,
      errors: e.errorsByHandler
        ? [...e.errorsByHandler].map(([name, err]) => [name, err.message])
        : undefined,
    };
  }
}

async function expectSameOutcome(
  config: () => MessengerConfig,
  dispatch: (bus: Messenger["bus"]) => Promise<Envelope>,
): Promise<unknown> {
  const { fast, full } = pair(config);
  // Twice each: the first dispatch of a class decides the shortcut, the second one takes it.
  const expected = [await outcome(() => dispatch(full)), await outcome(() => dispatch(full))];
  const actual = [await outcome(() => dispatch(fast)), await outcome(() => dispatch(fast))];
  expect(actual).toEqual(expected);
  return actual[1];
}

const oneHandler = (handler: (m: PlaceOrder) => unknown) => () => ({
  handlers: [defineHandler(PlaceOrder, handler, { name: "placeOrder" })],
});

describe("a message the application dispatches gets the same result as through every middleware", () => {
  it.each([
    ["a synchronous result", () => "sync"],
    ["an asynchronous result", async () => "async"],
    ["no result", () => undefined],
    [
      "a thenable that is not a promise",
      // biome-ignore lint/suspicious/noThenProperty: a handler may return any thenable, not only a promise.
      () => ({ then: (ok: (v: string) => void) => ok("thenable") }),
    ],
  ])("a handler returning %s", async (_label, handler) => {
    const result = await expectSameOutcome(oneHandler(handler), (bus) => bus.dispatch(new PlaceOrder("o-1")));
    expect(result).toMatchObject({
      resolved: {
        stamps: [
          ["BusNameStamp", {}],
          ["HandledStamp", {}],
        ],
      },
    });
  });

  it.each([
    [
      "throwing",
      () => {
        throw new Error("out of stock");
      },
    ],
    ["rejecting", async () => Promise.reject(new Error("out of stock"))],
    [
      "throwing a non-error",
      () => {
        throw "out of stock";
      },
    ],
  ])("a handler %s", async (_label, handler) => {
    const result = await expectSameOutcome(oneHandler(handler), (bus) => bus.dispatch(new PlaceOrder("o-1")));
    expect(result).toMatchObject({
      rejected: "HandlerFailedError",
      envelope: { stamps: [["BusNameStamp", {}]] },
    });
  });

  it("no handler, with and without allowing it", async () => {
    await expectSameOutcome(
      () => ({ handlers: [] }),
      (bus) => bus.dispatch(new PlaceOrder("o-1")),
    );
    await expectSameOutcome(
      () => ({ handlers: [], buses: { main: { defaultMiddleware: "allow_no_handlers" } } }),
      (bus) => bus.dispatch(new PlaceOrder("o-1")),
    );
  });

  it("two handlers, one of them bound to a transport", async () => {
    const result = await expectSameOutcome(
      () => ({
        handlers: [
          defineHandler(PlaceOrder, () => 1, { name: "first" }),
          defineHandler(PlaceOrder, () => 2, { name: "second", fromTransport: "orders" }),
        ],
      }),
      (bus) => bus.dispatch(new PlaceOrder("o-1")),
    );
    expect(result).toMatchObject({ resolved: { stamps: [{}, {}, {}] } });
  });

  it("a message routed to a transport, by routing or by stamp", async () => {
    const config = () => ({
      transports: { orders: "record://" },
      transportFactories: [new RecordingTransportFactory()],
      routing: { [PlaceOrder.name]: "orders" },
      handlers: [defineHandler(PlaceOrder, () => 1, { name: "placeOrder" })],
    });
    const routed = await expectSameOutcome(config, (bus) => bus.dispatch(new PlaceOrder("o-1")));
    expect(routed).toMatchObject({ resolved: { stamps: [["BusNameStamp", {}], ["SentStamp", {}], {}] } });
    await expectSameOutcome(config, (bus) =>
      bus.dispatch(new CancelOrder("o-1"), [new TransportNamesStamp(["orders"])]),
    );
  });

  it("a bus that does not allow messages without senders", async () => {
    await expectSameOutcome(
      () => ({
        handlers: [defineHandler(PlaceOrder, () => 1, { name: "placeOrder" })],
        buses: { main: { defaultMiddleware: { allowNoSenders: false } } },
      }),
      (bus) => bus.dispatch(new PlaceOrder("o-1")),
    );
  });

  it("stamps given with the message, and an envelope that already names another bus", async () => {
    // The handler context, always last, is left out: its signal is not a plain value to compare.
    const config = oneHandler((m, ...args: unknown[]) => [m.id, ...args.slice(0, -1)]);
    const result = await expectSameOutcome(config, (bus) =>
      bus.dispatch(new PlaceOrder("o-1"), [new HandlerArgumentsStamp(["extra"])]),
    );
    expect(result).toMatchObject({
      resolved: { stamps: [{}, {}, ["HandledStamp", { result: ["o-1", "extra"] }]] },
    });
    await expectSameOutcome(config, (bus) =>
      bus.dispatch(Envelope.wrap(new PlaceOrder("o-1"), [new BusNameStamp("elsewhere")])),
    );
    await expectSameOutcome(config, (bus) =>
      bus.dispatch(Envelope.wrap(new PlaceOrder("o-1"), [new HandledStamp("earlier", "placeOrder")])),
    );
  });

  it("values that are not messages", async () => {
    for (const value of [null, 7, "text", [new PlaceOrder("o-1")]]) {
      const result = await expectSameOutcome(
        oneHandler(() => 1),
        (bus) => bus.dispatch(value as never),
      );
      expect(result).toMatchObject({ rejected: "InvalidArgumentError", code: "INVALID_MESSAGE" });
    }
  });

  it("an undecodable-message placeholder dispatched by hand still fails as unrecoverable", async () => {
    const result = await expectSameOutcome(
      () => ({ handlers: [defineHandler("*", () => 1, { name: "any" })] }),
      (bus) => bus.dispatch(new UndecodableMessage("{oops", {}, "bad JSON")),
    );
    expect(result).toMatchObject({ rejected: "UnrecoverableMessageHandlingError" });
  });
});

describe("an envelope received from a transport still goes through the worker-path middleware", () => {
  it.each([
    [
      "from the failure transport",
      () => [new SentToFailureTransportStamp("orders"), new ReceivedStamp("failed")],
    ],
    [
      "redelivered by a broker",
      () => [new ReceivedStamp("amqp"), new ConsumedByWorkerStamp(), new BrokerReceivedStamp(true)],
    ],
    ["consumed normally", () => [new ReceivedStamp("orders"), new ConsumedByWorkerStamp()]],
  ])("%s", async (_label, stamps) => {
    await expectSameOutcome(
      () => ({
        handlers: [defineHandler(PlaceOrder, () => 1, { name: "placeOrder", fromTransport: "orders" })],
      }),
      (bus) => bus.dispatch(Envelope.wrap(new PlaceOrder("o-1"), stamps())),
    );
  });
});

describe("the shortcuts", () => {
  it("skip the worker-path middleware for an application dispatch, not for a received envelope", async () => {
    let calls = 0;
    const original = DecodeFailedMessageMiddleware.prototype.handle;
    DecodeFailedMessageMiddleware.prototype.handle = function (this: DecodeFailedMessageMiddleware, e, s) {
      calls++;
      return original.call(this, e, s);
    };
    try {
      const bus = createMessenger(oneHandler(() => 1)()).bus;
      await bus.dispatch(new PlaceOrder("o-1"));
      await bus.dispatch(new PlaceOrder("o-2"), [new HandlerArgumentsStamp([])]);
      expect(calls).toBe(0);
      await bus.dispatch(Envelope.wrap(new PlaceOrder("o-3"), [new ReceivedStamp("orders")]));
      expect(calls).toBe(1);
    } finally {
      DecodeFailedMessageMiddleware.prototype.handle = original;
    }
  });

  it("run a subclass of a built-in middleware, and the application's own middleware, every time", async () => {
    const seen: string[] = [];
    class AuditedDecodeFailed extends DecodeFailedMessageMiddleware {
      override handle(...args: Parameters<DecodeFailedMessageMiddleware["handle"]>) {
        seen.push("audited");
        return super.handle(...args);
      }
    }
    const own: Middleware = {
      handle: (envelope, stack) => {
        seen.push("own");
        return stack.next().handle(envelope, stack);
      },
    };
    const withOwn = createMessenger({
      handlers: [defineHandler(PlaceOrder, () => 1, { name: "placeOrder" })],
      buses: { main: { middleware: [own] } },
    }).bus as MiddlewareMessageBus;
    const middleware = [...withOwn.middleware];
    middleware.splice(3, 1, new AuditedDecodeFailed());
    const audited = new MiddlewareMessageBus("main", middleware);
    await withOwn.dispatch(new PlaceOrder("o-1"));
    await withOwn.dispatch(new PlaceOrder("o-2"));
    await audited.dispatch(new PlaceOrder("o-3"));
    expect(seen).toEqual(["own", "own", "audited", "own"]);
  });

  it("call a sole handler directly, without the send and handle steps, only where they allow it", async () => {
    const calls: string[] = [];
    const send = SendMessageMiddleware.prototype.handle;
    const handle = HandleMessageMiddleware.prototype.handle;
    SendMessageMiddleware.prototype.handle = function (this: SendMessageMiddleware, e, s) {
      calls.push("send");
      return send.call(this, e, s);
    };
    HandleMessageMiddleware.prototype.handle = function (this: HandleMessageMiddleware, e, s) {
      calls.push("handle");
      return handle.call(this, e, s);
    };
    try {
      const bus = createMessenger({
        transports: { orders: "record://" },
        transportFactories: [new RecordingTransportFactory()],
        routing: { [CancelOrder.name]: "orders" },
        handlers: [defineHandler(PlaceOrder, (m) => `placed ${m.id}`, { name: "placeOrder" })],
      }).bus;
      const placed = [await bus.dispatch(new PlaceOrder("p-1")), await bus.dispatch(new PlaceOrder("p-2"))];
      expect(placed.map((e) => e.last(HandledStamp)?.result)).toEqual(["placed p-1", "placed p-2"]);
      expect(calls).toEqual([]);
      await bus.dispatch(new PlaceOrder("p-3"), [new HandlerArgumentsStamp([])]);
      expect(calls).toEqual(["send", "handle"]);
      calls.length = 0;
      await bus.dispatch(new CancelOrder("c-1"));
      await bus.dispatch(new CancelOrder("c-2"));
      expect(calls).toEqual(["send", "send"]); // routed to the transport: the stack runs every time
    } finally {
      SendMessageMiddleware.prototype.handle = send;
      HandleMessageMiddleware.prototype.handle = handle;
    }
  });

  it("skip an application's own middleware when it declares itself skippable, and keep its stamp", async () => {
    class TenantStamp extends Stamp {
      constructor(readonly tenant: string) {
        super();
      }
    }
    let calls = 0;
    const tenant: Middleware = {
      handle: (envelope, stack) => {
        calls++;
        if (!envelope.has(TenantStamp)) envelope = envelope.with(new TenantStamp("acme"));
        return stack.next().handle(envelope, stack);
      },
    };
    const declared: Middleware & { [applicationDispatchShortcut]: ApplicationDispatchShortcut } = {
      handle: tenant.handle,
      [applicationDispatchShortcut]: { skippable: true, addsStamp: new TenantStamp("acme") },
    };
    const bus = (middleware: Middleware) =>
      createMessenger({
        handlers: [defineHandler(PlaceOrder, () => 1, { name: "placeOrder" })],
        buses: { main: { middleware: [middleware] } },
      }).bus;
    const plain = await bus(tenant).dispatch(new PlaceOrder("o-1"));
    expect(calls).toBe(1);
    const skipped = await bus(declared).dispatch(new PlaceOrder("o-1"));
    expect(calls).toBe(1);
    expect(describeEnvelope(skipped)).toEqual(describeEnvelope(plain));
    expect(skipped.last(TenantStamp)?.tenant).toBe("acme");
    await bus(declared).dispatch(Envelope.wrap(new PlaceOrder("o-2"), [new ReceivedStamp("orders")]));
    expect(calls).toBe(2);
  });

  it("keep each message class's own decision when classes alternate", async () => {
    const bus = createMessenger({
      transports: { orders: "record://" },
      transportFactories: [new RecordingTransportFactory()],
      routing: { [CancelOrder.name]: "orders" },
      handlers: [
        defineHandler(PlaceOrder, (m) => `placed ${m.id}`, { name: "placeOrder" }),
        defineHandler(CancelOrder, (m) => `cancelled ${m.id}`, { name: "cancelOrder" }),
        defineHandler(OrderTotal, () => 42, { name: "orderTotal" }),
      ],
    }).bus;
    for (let round = 0; round < 2; round++) {
      const placed = await bus.dispatch(new PlaceOrder("p"));
      const cancelled = await bus.dispatch(new CancelOrder("c"));
      expect(placed.last(HandledStamp)?.result).toBe("placed p");
      expect(cancelled.last(HandledStamp)).toBeUndefined(); // routed to the transport instead
      expect(await bus.query(new OrderTotal())).toBe(42);
    }
  });

  it("let a handler that failed once succeed on the next dispatch", async () => {
    let fail = true;
    const bus = createMessenger(
      oneHandler(() => {
        if (fail) throw new Error("not yet");
        return "done";
      })(),
    ).bus;
    await expect(bus.dispatch(new PlaceOrder("o-1"))).rejects.toThrow("not yet");
    fail = false;
    expect((await bus.dispatch(new PlaceOrder("o-1"))).last(HandledStamp)?.result).toBe("done");
  });
});
