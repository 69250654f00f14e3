import { describe, expect, it } from "vitest";
import {
  createMessenger,
  createWorker,
  defineHandler,
  type Envelope,
  type MessengerInstrumentation,
  type Middleware,
  type Stack,
  TraceContextStamp,
  type TransportFactory,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Order {
  constructor(readonly n: number) {}
}
class Ping {}

/** Records every hook call; its stamp marks what went through the send wrapper. */
class RecordingInstrumentation implements MessengerInstrumentation {
  on = false;
  readonly calls: string[] = [];
  readonly middleware: Middleware = {
    handle: (envelope: Envelope, stack: Stack) => {
      this.calls.push(`middleware ${envelope.message.constructor.name}`);
      return stack.next().handle(envelope, stack);
    },
  };

  active(): boolean {
    return this.on;
  }

  send(envelope: Envelope, transportName: string, send: (e: Envelope) => Promise<Envelope>) {
    this.calls.push(`send ${transportName}`);
    return send(envelope.with(new TraceContextStamp(`sent-to-${transportName}`)));
  }

  handle(_envelope: Envelope, handlerName: string, call: () => unknown) {
    this.calls.push(`handle ${handlerName}`);
    return call();
  }
}

function setup() {
  const queues = { a: new QueueTransport(), b: new QueueTransport() };
  const factory: TransportFactory = {
    schemes: ["test"],
    supports: (dsn) => dsn.startsWith("test://"),
    createTransport: (dsn) => queues[dsn.slice("test://".length) as "a" | "b"],
  };
  const instrumentation = new RecordingInstrumentation();
  const handled: number[] = [];
  const messenger = createMessenger({
    transportFactories: [factory],
    transports: { a: "test://a", b: "test://b" },
    routing: { [Order.name]: ["a", "b"] },
    handlers: [
      defineHandler(Order, (m: Order) => handled.push(m.n), { name: "first" }),
      defineHandler(Order, (m: Order) => handled.push(-m.n), { name: "second" }),
      defineHandler(Ping, () => "pong", { name: "ping" }),
    ],
    instrumentation,
  });
  return { messenger, instrumentation, queues, handled };
}

describe("instrumentation", () => {
  it("wraps each send (per transport) and each handler call, after its middleware ran first", async () => {
    const { messenger, instrumentation, queues, handled } = setup();
    instrumentation.on = true;
    const sent = await messenger.bus.dispatch(new Order(1));
    expect(instrumentation.calls).toEqual(["middleware Order", "send a", "send b"]);
    // What the wrapper hands on is what the transport stores.
    const [storedA] = await queues.a.get();
    expect(storedA!.last(TraceContextStamp)?.traceparent).toBe("sent-to-a");
    expect((await queues.b.get())[0]!.last(TraceContextStamp)?.traceparent).toBe("sent-to-b");
    expect(sent.all(TraceContextStamp).map((s) => s.traceparent)).toEqual(["sent-to-a", "sent-to-b"]);

    instrumentation.calls.length = 0;
    await messenger.bus.dispatch(new Ping());
    expect(instrumentation.calls).toEqual(["middleware Ping", "handle ping"]);

    instrumentation.calls.length = 0;
    // The claimed copy again, for the worker.
    await queues.a.send(storedA!);
    await createWorker(messenger, { receivers: ["a"], limit: 1 }).run();
    expect(instrumentation.calls).toEqual(["middleware Order", "handle first", "handle second"]);
    expect(handled).toEqual([1, -1]);
  });

  it("calls no wrapper while inactive; received messages still pass its middleware", async () => {
    const { messenger, instrumentation, queues, handled } = setup();
    const sent = await messenger.bus.dispatch(new Order(2));
    expect(await messenger.bus.dispatch(new Ping())).toBeDefined();
    expect(sent.has(TraceContextStamp)).toBe(false);
    expect(instrumentation.calls.filter((c) => !c.startsWith("middleware"))).toEqual([]);
    await createWorker(messenger, { receivers: ["a"], limit: 1 }).run();
    expect(handled).toEqual([2, -2]);
    expect(instrumentation.calls.filter((c) => !c.startsWith("middleware"))).toEqual([]);
    expect(queues.a.acked).toHaveLength(1);
  });
});
