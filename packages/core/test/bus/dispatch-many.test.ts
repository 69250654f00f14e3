import { describe, expect, it } from "vitest";
import { MiddlewareMessageBus } from "../../src/entry-points/middleware.js";
import {
  type BulkSender,
  BusNameStamp,
  createMessenger,
  DelayStamp,
  defineHandler,
  Envelope,
  HandledStamp,
  HandlerFailedError,
  type Middleware,
  SentStamp,
  type Stack,
  type Stamp,
  type TransportFactory,
  TransportMessageIdStamp,
} from "../../src/index.js";
import { QueueTransport } from "../fixtures/queue-transport.js";

class Order {
  constructor(readonly id: string) {}
}
class Invoice {
  constructor(readonly id: string) {}
}
class Audit {
  constructor(readonly id: string) {}
}

/** A queue that also sends in bulk, all or none, and records each round trip. */
class BulkQueueTransport extends QueueTransport implements BulkSender {
  readonly roundTrips: string[][] = [];
  sendManyError: Error | undefined;

  async sendMany(envelopes: readonly Envelope[]): Promise<readonly Envelope[]> {
    if (this.sendManyError) throw this.sendManyError;
    this.roundTrips.push(envelopes.map((e) => (e.message as { id: string }).id));
    const sent: Envelope[] = [];
    for (const envelope of envelopes) sent.push(await this.send(envelope));
    return sent;
  }
}

/** A transport without sendMany: records its sends. */
class PlainQueueTransport extends QueueTransport {
  readonly sends: string[] = [];
  override send(envelope: Envelope): Promise<Envelope> {
    this.sends.push((envelope.message as { id: string }).id);
    return super.send(envelope);
  }
}

function setup(options: { middleware?: Middleware[]; auditHandler?: (audit: Audit) => unknown } = {}) {
  const orders = new BulkQueueTransport();
  const invoices = new BulkQueueTransport();
  const plain = new PlainQueueTransport();
  const transports = new Map<string, QueueTransport>([
    ["orders", orders],
    ["invoices", invoices],
    ["plain", plain],
  ]);
  const factory: TransportFactory = {
    schemes: ["test"],
    supports: (dsn) => dsn.startsWith("test://"),
    createTransport: (dsn) => transports.get(dsn.slice("test://".length))!,
  };
  const audited: string[] = [];
  const messenger = createMessenger({
    transportFactories: [factory],
    transports: { orders: "test://orders", invoices: "test://invoices", plain: "test://plain" },
    routing: { [Order.name]: "orders", [Invoice.name]: ["invoices", "plain"] },
    buses: { "messenger.bus.default": { middleware: options.middleware ?? [] } },
    handlers: [
      defineHandler(
        Audit,
        options.auditHandler ??
          ((audit: Audit) => {
            audited.push(audit.id);
            return `audited ${audit.id}`;
          }),
        { name: "audit" },
      ),
    ],
  });
  return { messenger, orders, invoices, plain, audited };
}

const ids = (envelopes: readonly Envelope[]) => envelopes.map((e) => (e.message as { id: string }).id);

describe("bus.dispatchMany", () => {
  it("sends the messages of each transport in one round trip, in order, and returns the envelopes in the order given", async () => {
    const { messenger, orders, invoices, plain, audited } = setup();
    const messages = [
      new Order("o1"),
      new Invoice("i1"),
      new Audit("a1"),
      new Order("o2"),
      new Invoice("i2"),
    ];
    const result = await messenger.bus.dispatchMany(messages);

    expect(result.map((e) => e.message)).toEqual(messages);
    expect(orders.roundTrips).toEqual([["o1", "o2"]]);
    expect(invoices.roundTrips).toEqual([["i1", "i2"]]);
    // Not a BulkSender: one send each, in order.
    expect(plain.sends).toEqual(["i1", "i2"]);
    expect(ids(orders.pending)).toEqual(["o1", "o2"]);
    // The message no transport takes is handled during its turn, as dispatch would.
    expect(audited).toEqual(["a1"]);
    expect(result[2]!.last(HandledStamp)?.result).toBe("audited a1");

    // Each envelope as dispatch would return it: sent stamps, and the id each transport gave.
    expect(result[0]!.all(SentStamp).map((s) => s.senderAlias)).toEqual(["orders"]);
    expect(result[0]!.last(TransportMessageIdStamp)?.id).toBe(
      orders.pending[0]!.last(TransportMessageIdStamp)?.id,
    );
    expect(result[1]!.all(SentStamp).map((s) => s.senderAlias)).toEqual(["invoices", "plain"]);
    expect(result[1]!.all(TransportMessageIdStamp)).toHaveLength(2);
    expect(result[1]!.last(BusNameStamp)?.busName).toBe("messenger.bus.default");
    // The bus's own bookkeeping stamp leaves with the dispatch: neither returned nor stored.
    const stampNames = (e: Envelope) => [...e.all().keys()].map((type) => type.name);
    for (const envelope of [...result, ...orders.pending, ...invoices.pending, ...plain.pending]) {
      expect(stampNames(envelope)).not.toContain("BulkSendStamp");
    }
  });

  it("runs the middleware once per message, in order, and adds the given stamps to every message", async () => {
    const seen: string[] = [];
    const recorder: Middleware = {
      handle(envelope: Envelope, stack: Stack) {
        seen.push((envelope.message as { id: string }).id);
        return stack.next().handle(envelope, stack);
      },
    };
    const { messenger, orders } = setup({ middleware: [recorder] });
    const result = await messenger.bus.dispatchMany(
      [new Order("o1"), Envelope.wrap(new Order("o2"), [new DelayStamp(60_000)])],
      [new DelayStamp(1_000)],
    );
    expect(seen).toEqual(["o1", "o2"]);
    expect(result[0]!.all(DelayStamp).map((s) => s.delay)).toEqual([1_000]);
    expect(result[1]!.all(DelayStamp).map((s) => s.delay)).toEqual([60_000, 1_000]);
    expect(orders.roundTrips).toEqual([["o1", "o2"]]);
  });

  it("keeps what a middleware adds on the way back, with each transport's id", async () => {
    const after: Middleware = {
      async handle(envelope: Envelope, stack: Stack) {
        return (await stack.next().handle(envelope, stack)).with(new DelayStamp(5));
      },
    };
    const { messenger, orders, invoices, plain } = setup({ middleware: [after] });
    const [order, invoice] = await messenger.bus.dispatchMany([new Order("o1"), new Invoice("i1")]);
    expect(order!.all(DelayStamp).map((s) => s.delay)).toEqual([5]);
    expect(order!.all(TransportMessageIdStamp).map((s) => s.id)).toEqual(
      orders.pending.map((e) => e.last(TransportMessageIdStamp)!.id),
    );
    expect(invoice!.all(DelayStamp).map((s) => s.delay)).toEqual([5]);
    expect(invoice!.all(TransportMessageIdStamp).map((s) => s.id)).toEqual([
      invoices.pending[0]!.last(TransportMessageIdStamp)!.id,
      plain.pending[0]!.last(TransportMessageIdStamp)!.id,
    ]);
    expect(invoice!.all(SentStamp).map((s) => s.senderAlias)).toEqual(["invoices", "plain"]);
    for (const envelope of [order!, invoice!]) {
      expect([...envelope.all().keys()].map((type) => type.name)).not.toContain("BulkSendStamp");
    }
  });

  it("sends nothing when a message fails in the middleware, and throws that error as dispatch would", async () => {
    const { messenger, orders, invoices, plain, audited } = setup({
      auditHandler: (audit) => {
        audited.push(audit.id);
        throw new Error(`audit ${audit.id} refused`);
      },
    });
    const failure = await messenger.bus
      .dispatchMany([new Order("o1"), new Invoice("i1"), new Audit("a1"), new Order("o2")])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HandlerFailedError);
    expect((failure as HandlerFailedError).message).toContain("audit a1 refused");
    expect(orders.pending).toEqual([]);
    expect(invoices.pending).toEqual([]);
    expect(plain.pending).toEqual([]);
    expect(audited).toEqual(["a1"]);
  });

  it("stops at the first transport that fails: it and the transports after it store nothing", async () => {
    const { messenger, orders, invoices, plain } = setup();
    invoices.sendManyError = new Error("invoices backend down");
    await expect(
      messenger.bus.dispatchMany([new Order("o1"), new Invoice("i1"), new Order("o2")]),
    ).rejects.toThrow("invoices backend down");
    // orders was first routed to, so it was sent first and keeps its messages (no shared transaction).
    expect(ids(orders.pending)).toEqual(["o1", "o2"]);
    expect(invoices.pending).toEqual([]);
    expect(plain.pending).toEqual([]);
  });

  it("takes an empty list, and refuses what is not a list, naming it", async () => {
    const { messenger, orders } = setup();
    expect(await messenger.bus.dispatchMany([])).toEqual([]);
    expect(orders.roundTrips).toEqual([]);
    await expect(messenger.bus.dispatchMany(new Order("o1") as never)).rejects.toThrow(
      /dispatchMany\(\) takes an array of messages or envelopes, got object/,
    );
  });

  it("a bus that overrides dispatch() gets every message of the batch through it, sent in one round trip", async () => {
    const { messenger, orders } = setup();
    const through: unknown[] = [];
    class RecordingBus extends MiddlewareMessageBus {
      override dispatch<T extends object>(message: T | Envelope<T>, stamps?: readonly Stamp[]) {
        through.push(message);
        return super.dispatch(message, stamps);
      }
    }
    const default_ = messenger.bus as unknown as MiddlewareMessageBus;
    const bus = new RecordingBus("messenger.bus.default", default_.middleware);
    const messages = [new Order("o1"), new Order("o2")];
    const result = await bus.dispatchMany(messages);
    expect(through).toEqual(messages);
    expect(orders.roundTrips).toEqual([["o1", "o2"]]);
    expect(result.map((e) => e.last(BusNameStamp)?.busName)).toEqual([
      "messenger.bus.default",
      "messenger.bus.default",
    ]);
  });

  it("a message dispatched later from a handler of the batch is sent on its own, as dispatch does", async () => {
    const { messenger, orders } = setup({
      auditHandler: async (audit) => {
        await messenger.bus.dispatch(new Order(`from ${audit.id}`));
      },
    });
    await messenger.bus.dispatchMany([new Order("o1"), new Audit("a1"), new Order("o2")]);
    expect(orders.roundTrips).toEqual([["o1", "o2"]]);
    expect(ids(orders.pending)).toEqual(["from a1", "o1", "o2"]);
  });
});
