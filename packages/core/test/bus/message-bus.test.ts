import { describe, expect, expectTypeOf, it } from "vitest";
import { DispatchAfterCurrentBusStamp } from "../../src/dispatch-after-current-bus.js";
import {
  AddBusNameStampMiddleware,
  DecodeFailedMessageMiddleware,
  DeduplicateMiddleware,
  DispatchAfterCurrentBusMiddleware,
  FailedMessageProcessingMiddleware,
  HandleMessageMiddleware,
  MiddlewareMessageBus,
  RejectRedeliveredMessageMiddleware,
  SendMessageMiddleware,
} from "../../src/entry-points/middleware.js";
import {
  BusNameStamp,
  createMessenger,
  DelayedMessageHandlingError,
  defineHandler,
  Envelope,
  HandledStamp,
  HandlerArgumentsStamp,
  HandlerFailedError,
  InvalidArgumentError,
  LogicError,
  type Middleware,
  NoHandlerForMessageError,
  NoSenderForMessageError,
  Query,
} from "../../src/index.js";
import { RecordingTransportFactory } from "../fixtures/recording-transport.js";

class CreateLead {
  constructor(readonly email: string) {}
}
class GetLeadScore extends Query<number> {
  constructor(readonly email: string) {
    super();
  }
}

describe("the default bus", () => {
  it("runs Symfony's default middleware in order, with the app's middleware before send and handle", () => {
    const own: Middleware = { handle: (e, s) => s.next().handle(e, s) };
    const messenger = createMessenger({ handlers: [], buses: { main: { middleware: [own] } } });
    const bus = messenger.bus as MiddlewareMessageBus;
    expect(bus.middleware.map((m) => m.constructor)).toEqual([
      AddBusNameStampMiddleware,
      RejectRedeliveredMessageMiddleware,
      DispatchAfterCurrentBusMiddleware,
      DecodeFailedMessageMiddleware,
      FailedMessageProcessingMiddleware,
      Object,
      DeduplicateMiddleware,
      SendMessageMiddleware,
      HandleMessageMiddleware,
    ]);
    expect(bus.middleware[5]).toBe(own);
  });

  it("dispatches a message to its handler and records the result in a handled stamp", async () => {
    const seen: string[] = [];
    const messenger = createMessenger({
      handlers: [
        defineHandler(CreateLead, function createLead(m) {
          seen.push(m.email);
          return "lead-1";
        }),
      ],
    });
    const envelope = await messenger.bus.dispatch(new CreateLead("a@example.com"));
    expect(seen).toEqual(["a@example.com"]);
    expect(envelope.last(HandledStamp)).toMatchObject({ result: "lead-1", handlerName: "createLead" });
    expect(envelope.last(BusNameStamp)?.busName).toBe("messenger.bus.default");
  });

  it("passes handler arguments from the stamp after the message, then the handler context", async () => {
    const args: unknown[] = [];
    const messenger = createMessenger({
      handlers: [
        defineHandler(CreateLead, function withArgs(_m, ...rest) {
          args.push(...rest);
        }),
      ],
    });
    await messenger.bus.dispatch(new CreateLead("x"), [new HandlerArgumentsStamp(["a", 2])]);
    expect(args).toEqual(["a", 2, { signal: expect.any(AbortSignal) }]);
  });

  it("fails with a clear error for a message without handler, unless the bus allows it", async () => {
    const strict = createMessenger({ handlers: [] });
    await expect(strict.bus.dispatch(new CreateLead("x"))).rejects.toThrowError(NoHandlerForMessageError);
    await expect(strict.bus.dispatch(new CreateLead("x"))).rejects.toThrowError(
      /No handler for message "CreateLead"/,
    );
    const lenient = createMessenger({
      handlers: [],
      buses: { events: { defaultMiddleware: "allow_no_handlers" } },
    });
    await expect(lenient.bus.dispatch(new CreateLead("x"))).resolves.toBeInstanceOf(Envelope);
  });

  it("fails when a bus does not allow messages without senders", async () => {
    const messenger = createMessenger({
      handlers: [defineHandler(CreateLead, function h() {})],
      buses: { commands: { defaultMiddleware: { allowNoSenders: false } } },
    });
    await expect(messenger.bus.dispatch(new CreateLead("x"))).rejects.toThrowError(NoSenderForMessageError);
  });

  it.each([null, 7, "text", undefined])(
    "refuses to dispatch %j with an error naming the value",
    async (value) => {
      const messenger = createMessenger({ handlers: [] });
      await expect(messenger.bus.dispatch(value as never)).rejects.toThrowError(InvalidArgumentError);
    },
  );

  it("runs every handler even when one throws, and aggregates the errors with the envelope", async () => {
    const ran: string[] = [];
    const messenger = createMessenger({
      handlers: [
        defineHandler(CreateLead, function first() {
          ran.push("first");
          throw new Error("first broke");
        }),
        defineHandler(CreateLead, function second() {
          ran.push("second");
          return 2;
        }),
        defineHandler(CreateLead, async function third() {
          ran.push("third");
          throw new TypeError("third broke");
        }),
      ],
    });
    const error = (await messenger.bus.dispatch(new CreateLead("x")).catch((e) => e)) as HandlerFailedError;
    expect(ran).toEqual(["first", "second", "third"]);
    expect(error).toBeInstanceOf(HandlerFailedError);
    expect(error.code).toBe("HANDLER_FAILED");
    expect([...error.errorsByHandler.keys()]).toEqual(["first", "third"]);
    expect(error.message).toBe(
      'Handling "CreateLead" failed: 2 handlers failed. First failure is: first broke',
    );
    expect(error.envelope.all(HandledStamp).map((s) => s.handlerName)).toEqual(["second"]);
  });

  it.each([
    [
      "throws",
      function sole() {
        throw new Error("sync boom");
      },
    ],
    [
      "rejects",
      async function sole() {
        throw new Error("async boom");
      },
    ],
  ])("wraps the error of a single handler that %s in a handler-failed error", async (_how, handler) => {
    const messenger = createMessenger({ handlers: [defineHandler(CreateLead, handler)] });
    const error = (await messenger.bus.dispatch(new CreateLead("x")).catch((e) => e)) as HandlerFailedError;
    expect(error).toBeInstanceOf(HandlerFailedError);
    expect([...error.errorsByHandler.keys()]).toEqual(["sole"]);
    expect(error.message).toMatch(/^Handling "CreateLead" failed: (sync|async) boom$/);
    expect(error.envelope.message).toBeInstanceOf(CreateLead);
    expect(error.envelope.all(HandledStamp)).toEqual([]);
  });

  it("records the result of a synchronous handler and of an async one alike", async () => {
    const sync = createMessenger({
      handlers: [
        defineHandler(CreateLead, function plain() {
          return 1;
        }),
      ],
    });
    const async_ = createMessenger({
      handlers: [
        defineHandler(CreateLead, async function later() {
          return 2;
        }),
      ],
    });
    expect((await sync.bus.dispatch(new CreateLead("x"))).last(HandledStamp)?.result).toBe(1);
    expect((await async_.bus.dispatch(new CreateLead("x"))).last(HandledStamp)?.result).toBe(2);
  });

  it("skips a handler already recorded as handled (a retry runs only the failed ones)", async () => {
    const ran: string[] = [];
    const messenger = createMessenger({
      handlers: [
        defineHandler(CreateLead, function a() {
          ran.push("a");
        }),
        defineHandler(CreateLead, function b() {
          ran.push("b");
        }),
      ],
    });
    await messenger.bus.dispatch(new CreateLead("x"), [new HandledStamp(null, "a")]);
    expect(ran).toEqual(["b"]);
    // Every handler already handled: not a "no handler" error.
    await expect(
      messenger.bus.dispatch(new CreateLead("x"), [new HandledStamp(null, "a"), new HandledStamp(null, "b")]),
    ).resolves.toBeInstanceOf(Envelope);
  });
});

describe("query()", () => {
  it("returns the one handler's result, typed from the message", async () => {
    const messenger = createMessenger({
      handlers: [
        defineHandler(GetLeadScore, function score(m) {
          return m.email.length;
        }),
      ],
    });
    const score = await messenger.bus.query(new GetLeadScore("abc"));
    expectTypeOf(score).toEqualTypeOf<number>();
    expect(score).toBe(3);
  });

  it("fails clearly when handled zero times, or several times", async () => {
    const none = createMessenger({ handlers: [], buses: { q: { defaultMiddleware: "allow_no_handlers" } } });
    await expect(none.bus.query(new GetLeadScore("a"))).rejects.toThrowError(/handled zero times/);
    const two = createMessenger({
      handlers: [
        defineHandler(GetLeadScore, function one() {
          return 1;
        }),
        defineHandler(GetLeadScore, function two() {
          return 2;
        }),
      ],
    });
    const error = await two.bus.query(new GetLeadScore("a")).catch((e) => e);
    expect(error).toBeInstanceOf(LogicError);
    expect(error.message).toMatch(/handled multiple times \(by one, two\)/);
  });

  it("explains a query routed to an asynchronous transport", async () => {
    const messenger = createMessenger({
      handlers: [
        defineHandler(GetLeadScore, function score() {
          return 1;
        }),
      ],
      transportFactories: [new RecordingTransportFactory()],
      transports: { async: "record://" },
      routing: { GetLeadScore: "async" },
    });
    await expect(messenger.bus.query(new GetLeadScore("a"))).rejects.toThrowError(/sent to "async" instead/);
  });
});

describe("several buses", () => {
  it("registers a handler on its bus only and routes received envelopes by bus name", async () => {
    const calls: string[] = [];
    const messenger = createMessenger({
      defaultBus: "command.bus",
      buses: { "command.bus": {}, "event.bus": { defaultMiddleware: "allow_no_handlers" } },
      handlers: [
        defineHandler(
          CreateLead,
          function onCommand() {
            calls.push("command");
          },
          { bus: "command.bus" },
        ),
        defineHandler(
          CreateLead,
          function onEvent() {
            calls.push("event");
          },
          { bus: "event.bus" },
        ),
      ],
    });
    await messenger.bus.dispatch(new CreateLead("x"));
    await messenger.getBus("event.bus").dispatch(new CreateLead("x"));
    await messenger.routableBus.dispatch(Envelope.wrap(new CreateLead("x"), [new BusNameStamp("event.bus")]));
    await messenger.routableBus.dispatch(Envelope.wrap(new CreateLead("x")));
    expect(calls).toEqual(["command", "event", "event", "command"]);
    expect(() => messenger.getBus("nope")).toThrowError(
      /Bus named "nope" does not exist; buses: command.bus, event.bus/,
    );
    await expect(messenger.routableBus.dispatch(new CreateLead("x"))).rejects.toThrowError(
      /must be wrapped in an Envelope/,
    );
  });

  it("requires defaultBus with several buses and rejects a handler bound to an unknown bus", () => {
    expect(() => createMessenger({ handlers: [], buses: { a: {}, b: {} } })).toThrowError(
      /"defaultBus" is required.*a, b/,
    );
    expect(() =>
      createMessenger({ handlers: [defineHandler(CreateLead, function h() {}, { bus: "missing" })] }),
    ).toThrowError(/bound to bus "missing", which is not configured/);
  });
});

describe("dispatch after current bus", () => {
  class Registered {
    constructor(readonly id: number) {}
  }
  class Welcome {
    constructor(readonly id: number) {}
  }

  function build(onWelcome: (m: Welcome) => void, failRoot = false) {
    const order: string[] = [];
    const messenger = createMessenger({
      handlers: [
        defineHandler(Registered, async function register(m: Registered) {
          await messenger.bus.dispatch(new Welcome(m.id), [new DispatchAfterCurrentBusStamp()]);
          order.push(`registered ${m.id}`);
          if (failRoot) throw new Error("root failed");
        }),
        defineHandler(Welcome, function welcome(m: Welcome) {
          order.push(`welcome ${m.id}`);
          onWelcome(m);
        }),
      ],
    });
    return { messenger, order };
  }

  it("handles the deferred message after the root dispatch finished", async () => {
    const { messenger, order } = build(() => {});
    await messenger.bus.dispatch(new Registered(1));
    expect(order).toEqual(["registered 1", "welcome 1"]);
  });

  it("drops deferred messages when the root dispatch fails", async () => {
    const { messenger, order } = build(() => {}, true);
    await expect(messenger.bus.dispatch(new Registered(1))).rejects.toThrowError(HandlerFailedError);
    expect(order).toEqual(["registered 1"]);
  });

  it("collects failures of deferred messages into one error", async () => {
    const { messenger } = build(() => {
      throw new Error("mail down");
    });
    const error = await messenger.bus.dispatch(new Registered(1)).catch((e) => e);
    expect(error).toBeInstanceOf(DelayedMessageHandlingError);
    expect(error.message).toMatch(/A delayed message handler threw an exception:[\s\S]*mail down/);
  });

  it("handles the stamped message at once outside a root dispatch", async () => {
    const { messenger, order } = build(() => {});
    await messenger.bus.dispatch(new Welcome(7), [new DispatchAfterCurrentBusStamp()]);
    expect(order).toEqual(["welcome 7"]);
  });

  it("keeps concurrent root dispatches apart", async () => {
    const { messenger, order } = build(() => {});
    await Promise.all([messenger.bus.dispatch(new Registered(1)), messenger.bus.dispatch(new Registered(2))]);
    // Each deferred message follows its own root, never waiting for (or run by) the other one.
    expect(order.indexOf("welcome 1")).toBeGreaterThan(order.indexOf("registered 1"));
    expect(order.indexOf("welcome 2")).toBeGreaterThan(order.indexOf("registered 2"));
    expect(order.filter((o) => o.startsWith("welcome"))).toHaveLength(2);
  });
});
