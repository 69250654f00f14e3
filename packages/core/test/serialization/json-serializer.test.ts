import { describe, expect, it } from "vitest";
import { MessageTypeRegistry, StampRegistry } from "../../src/entry-points/serialization.js";
import {
  AckStamp,
  AsMessage,
  BusNameStamp,
  ConsumedByWorkerStamp,
  DeduplicateStamp,
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  HandledStamp,
  InvalidArgumentError,
  JsonSerializer,
  MessageDecodingFailedStamp,
  PriorityStamp,
  ReceivedStamp,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  SerializedMessageStamp,
  Stamp,
  type StampClass,
  TransportMessageIdStamp,
  TransportNamesStamp,
} from "../../src/index.js";

@AsMessage("test.serializer.json.order_placed")
class OrderPlaced {
  constructor(
    readonly orderId: number,
    readonly placedAt: Date,
    readonly lines: { sku: string; quantity: number }[],
  ) {}
}

@AsMessage("test.serializer.json.ping")
class Ping {
  constructor(readonly n: number) {}
}

class NotRegistered {
  constructor(readonly n: number) {}
}

class TenantStamp extends Stamp {
  static readonly stampName = "test.TenantStamp";
  constructor(readonly tenant: string) {
    super();
  }
  static fromJSON(data: unknown): TenantStamp {
    return new TenantStamp((data as { tenant: string }).tenant);
  }
}

class ForgottenStamp extends Stamp {}

class LabelsStamp extends Stamp {
  static readonly stampName = "test.LabelsStamp";
  constructor(readonly labels: string[]) {
    super();
  }
  static fromJSON(data: unknown): LabelsStamp {
    return new LabelsStamp((data as { labels: string[] }).labels);
  }
}

class CountingStamp extends Stamp {
  static readonly stampName = "test.CountingStamp";
  static encoded = 0;
  toJSON(): unknown {
    return { n: ++CountingStamp.encoded };
  }
  static fromJSON(): CountingStamp {
    return new CountingStamp();
  }
}

const serializer = new JsonSerializer();
const order = new OrderPlaced(42, new Date("2024-01-02T03:04:05.000Z"), [{ sku: "A-1", quantity: 2 }]);

describe("JsonSerializer.encode", () => {
  it("writes the type, content type and the message as JSON", () => {
    const { body, headers } = serializer.encode(Envelope.wrap(order));
    expect(headers).toEqual({
      type: "test.serializer.json.order_placed",
      "Content-Type": "application/json",
    });
    expect(JSON.parse(body)).toEqual({
      orderId: 42,
      placedAt: { $date: "2024-01-02T03:04:05.000Z" },
      lines: [{ sku: "A-1", quantity: 2 }],
    });
  });

  it("writes one header per sendable stamp class, holding a JSON array", () => {
    const envelope = Envelope.wrap(new Ping(1), [
      new DelayStamp(5),
      new DelayStamp(7),
      new BusNameStamp("bus"),
    ]);
    const { headers } = serializer.encode(envelope);
    expect(headers["X-Message-Stamp-DelayStamp"]).toBe('[{"delay":5},{"delay":7}]');
    expect(headers["X-Message-Stamp-BusNameStamp"]).toBe('[{"busName":"bus"}]');
  });

  it("encodes a frozen stamp as it is at each encode: nested values and toJSON are read again", () => {
    const own = new JsonSerializer({
      stamps: new StampRegistry().register(LabelsStamp).register(CountingStamp),
    });
    const labels = ["a"];
    CountingStamp.encoded = 0;
    const envelope = Envelope.wrap(new Ping(1), [
      Object.freeze(new LabelsStamp(labels)),
      Object.freeze(new CountingStamp()),
      Object.freeze(new BusNameStamp("bus")),
    ]);
    const first = own.encode(envelope).headers;
    labels.push("b");
    const second = own.encode(envelope).headers;
    expect(first["X-Message-Stamp-test.LabelsStamp"]).toBe('[{"labels":["a"]}]');
    expect(second["X-Message-Stamp-test.LabelsStamp"]).toBe('[{"labels":["a","b"]}]');
    expect(first["X-Message-Stamp-test.CountingStamp"]).toBe('[{"n":1}]');
    expect(second["X-Message-Stamp-test.CountingStamp"]).toBe('[{"n":2}]');
    expect(second["X-Message-Stamp-BusNameStamp"]).toBe('[{"busName":"bus"}]');
    expect(Object.keys(second)).toEqual([
      "type",
      "Content-Type",
      "X-Message-Stamp-test.LabelsStamp",
      "X-Message-Stamp-test.CountingStamp",
      "X-Message-Stamp-BusNameStamp",
    ]);
  });

  it("drops non-sendable stamps", () => {
    const envelope = Envelope.wrap(new Ping(1), [
      new ReceivedStamp("async"),
      new ConsumedByWorkerStamp(),
      new AckStamp(() => {}),
      new BusNameStamp("bus"),
    ]);
    expect(Object.keys(serializer.encode(envelope).headers).sort()).toEqual([
      "Content-Type",
      "X-Message-Stamp-BusNameStamp",
      "type",
    ]);
  });

  it("republishes the SerializedMessageStamp body verbatim instead of re-encoding", () => {
    const raw = '{ "n" : 1, "extra": "kept as sent" }';
    const envelope = Envelope.wrap(new Ping(2), [new SerializedMessageStamp(raw)]);
    const encoded = serializer.encode(envelope);
    expect(encoded.body).toBe(raw);
    expect(encoded.headers).not.toHaveProperty("X-Message-Stamp-SerializedMessageStamp");
  });

  it("refuses a message class without a type name, telling to add @AsMessage", () => {
    const act = () => serializer.encode(Envelope.wrap(new NotRegistered(1)));
    expect(act).toThrow(InvalidArgumentError);
    expect(act).toThrow(/NotRegistered.*@AsMessage\("app\.not_registered"\)/);
  });

  it("refuses a stamp that is neither registered nor non-sendable, naming it", () => {
    expect(() => serializer.encode(Envelope.wrap(new Ping(1), [new ForgottenStamp()]))).toThrow(
      expect.objectContaining({
        code: "STAMP_NOT_REGISTERED",
        message: expect.stringMatching(/ForgottenStamp/),
      }),
    );
    expect(() => serializer.encode(Envelope.wrap(new Ping(1), [new TenantStamp("t")]))).toThrow(
      /TenantStamp/,
    );
  });

  it("uses its own message type registry when given one", () => {
    const types = new MessageTypeRegistry();
    types.register(NotRegistered, "test.serializer.json.private_registry");
    const own = new JsonSerializer({ messageTypes: types });
    const decoded = own.decode(own.encode(Envelope.wrap(new NotRegistered(3))));
    expect(decoded.message).toEqual(new NotRegistered(3));
    expect(() => own.encode(Envelope.wrap(new Ping(1)))).toThrow(/Ping/);
  });
});

describe("JsonSerializer round trip", () => {
  it("rebuilds the message with its class and values", () => {
    const decoded = serializer.decode(serializer.encode(Envelope.wrap(order)));
    expect(decoded.message).toBeInstanceOf(OrderPlaced);
    expect(decoded.message).toEqual(order);
    expect((decoded.message as OrderPlaced).placedAt).toBeInstanceOf(Date);
  });

  it("adds a SerializedMessageStamp holding the received body", () => {
    const encoded = serializer.encode(Envelope.wrap(new Ping(5)));
    expect(serializer.decode(encoded).last(SerializedMessageStamp)?.serializedMessage).toBe(encoded.body);
  });

  const redeliveredAt = new Date("2024-03-04T05:06:07.089Z");
  const builtIns: [string, Stamp, Record<string, unknown>][] = [
    ["BusNameStamp", new BusNameStamp("command.bus"), { busName: "command.bus" }],
    [
      "HandledStamp",
      new HandledStamp({ not: "sent" }, "App\\Handler::__invoke"),
      { handlerName: "App\\Handler::__invoke" },
    ],
    ["TransportMessageIdStamp", new TransportMessageIdStamp(17), { id: 17 }],
    [
      "TransportNamesStamp",
      new TransportNamesStamp(["async", "audit"]),
      { transportNames: ["async", "audit"] },
    ],
    ["DelayStamp", new DelayStamp(1500), { delay: 1500 }],
    [
      "RedeliveryStamp",
      new RedeliveryStamp(2, redeliveredAt),
      { retryCount: 2, redeliveredAt: redeliveredAt.toISOString() },
    ],
    [
      "ErrorDetailsStamp",
      new ErrorDetailsStamp("TypeError", "E42", "boom", "TypeError: boom\n    at x"),
      { errorClass: "TypeError", errorCode: "E42", errorMessage: "boom", stack: "TypeError: boom\n    at x" },
    ],
    [
      "SentToFailureTransportStamp",
      new SentToFailureTransportStamp("async"),
      { originalReceiverName: "async" },
    ],
    ["MessageDecodingFailedStamp", new MessageDecodingFailedStamp("bad"), { reason: "bad" }],
    [
      "DeduplicateStamp",
      new DeduplicateStamp("order-42", 60_000, true),
      { key: "order-42", ttl: 60_000, onlyDeduplicateInQueue: true, mode: "preserve" },
    ],
    ["PriorityStamp", new PriorityStamp(7), { priority: 7 }],
  ];

  for (const [name, stamp, wire] of builtIns) {
    it(`carries ${name} with its documented JSON shape`, () => {
      const encoded = serializer.encode(Envelope.wrap(new Ping(1), [stamp]));
      expect(JSON.parse(encoded.headers[`X-Message-Stamp-${name}`]!)).toEqual([wire]);
      const type = stamp.constructor as StampClass;
      const decoded = serializer.decode(encoded).all(type);
      expect(decoded).toHaveLength(1);
      expect(decoded[0]).toBeInstanceOf(type);
      if (stamp instanceof HandledStamp) {
        expect(decoded[0]).toEqual(new HandledStamp(null, stamp.handlerName));
      } else {
        expect(decoded[0]).toEqual(stamp);
      }
    });
  }

  it("keeps several stamps of one class in order", () => {
    const encoded = serializer.encode(
      Envelope.wrap(new Ping(1), [new RedeliveryStamp(1), new RedeliveryStamp(2)]),
    );
    expect(
      serializer
        .decode(encoded)
        .all(RedeliveryStamp)
        .map((s) => s.retryCount),
    ).toEqual([1, 2]);
  });

  it("carries application stamps registered in its stamp registry", () => {
    const own = new JsonSerializer({ stamps: new StampRegistry().register(TenantStamp) });
    const decoded = own.decode(own.encode(Envelope.wrap(new Ping(1), [new TenantStamp("acme")])));
    expect(decoded.last(TenantStamp)).toEqual(new TenantStamp("acme"));
  });

  it("accepts stamp headers lowercased by the broker", () => {
    const decoded = serializer.decode({
      body: '{"n":1}',
      headers: { type: "test.serializer.json.ping", "x-message-stamp-busnamestamp": '[{"busName":"b"}]' },
    });
    expect(decoded.last(BusNameStamp)?.busName).toBe("b");
  });

  it("reads tags however the producer escaped them, and leaves look-alikes in strings alone", () => {
    const headers = { type: "test.serializer.json.order_placed" };
    const escaped = serializer.decode({
      body: '{"orderId":1,"placedAt":{"\\u0024date":"2024-01-02T03:04:05Z"},"lines":[]}',
      headers,
    });
    expect((escaped.message as OrderPlaced).placedAt).toEqual(new Date("2024-01-02T03:04:05Z"));
    const lookAlike = serializer.decode({
      body: '{"orderId":1,"placedAt":"x","lines":[{"sku":"\\"$date\\"","quantity":1}]}',
      headers,
    });
    expect((lookAlike.message as OrderPlaced).lines[0]!.sku).toBe('"$date"');
  });

  it("decodes a plain JSON body sent by another language (ISO strings stay strings)", () => {
    const decoded = serializer.decode({
      body: '{"orderId":7,"placedAt":"2024-01-02T03:04:05Z","lines":[]}',
      headers: { type: "test.serializer.json.order_placed" },
    });
    expect(decoded.message).toBeInstanceOf(OrderPlaced);
    expect((decoded.message as OrderPlaced).placedAt).toBe("2024-01-02T03:04:05Z");
  });
});

describe("docs/wire-format.md", () => {
  it("decodes the documented example wire message", () => {
    // Same names as the document, in a private registry so they cannot clash with other tests.
    class Address {
      constructor(
        readonly street: string,
        readonly city: string,
      ) {}
    }
    class DocOrderPlaced {}
    const types = new MessageTypeRegistry();
    types.register(DocOrderPlaced, "shop.order_placed");
    types.register(Address, "shop.address");
    const docSerializer = new JsonSerializer({ messageTypes: types });
    const envelope = docSerializer.decode({
      headers: {
        type: "shop.order_placed",
        "Content-Type": "application/json",
        "X-Message-Stamp-BusNameStamp": '[{"busName":"command.bus"}]',
        "X-Message-Stamp-DelayStamp": '[{"delay":5000}]',
        "X-Message-Stamp-RedeliveryStamp": '[{"retryCount":1,"redeliveredAt":"2024-05-01T10:21:00.000Z"}]',
        "X-Message-Stamp-HandledStamp": '[{"handlerName":"App\\\\Handler\\\\NotifyCustomer"}]',
      },
      body: '{"orderId":"ord_42","total":{"$bigint":"129900"},"placedAt":{"$date":"2024-05-01T10:20:30.000Z"},"shipTo":{"$type":"shop.address","value":{"street":"1 Main St","city":"Lyon"}},"tags":{"$set":["gift"]},"quantities":{"$map":[["sku-1",2]]},"meta":{"$object":{"$source":"web"}}}',
    });
    const message = envelope.message as Record<string, unknown>;
    expect(message).toBeInstanceOf(DocOrderPlaced);
    expect({ ...message }).toEqual({
      orderId: "ord_42",
      total: 129900n,
      placedAt: new Date("2024-05-01T10:20:30.000Z"),
      shipTo: new Address("1 Main St", "Lyon"),
      tags: new Set(["gift"]),
      quantities: new Map([["sku-1", 2]]),
      meta: { $source: "web" },
    });
    expect(message.shipTo).toBeInstanceOf(Address);
    expect(envelope.last(HandledStamp)?.handlerName).toBe("App\\Handler\\NotifyCustomer");
    expect(envelope.last(RedeliveryStamp)?.redeliveredAt.toISOString()).toBe("2024-05-01T10:21:00.000Z");
    expect(envelope.last(DelayStamp)?.delay).toBe(5000);
    expect(envelope.last(BusNameStamp)?.busName).toBe("command.bus");
    // And encoding the decoded message (without the received body) gives the documented body back.
    const reencoded = docSerializer.encode(envelope.withoutAll(SerializedMessageStamp));
    expect(reencoded.body).toBe(envelope.last(SerializedMessageStamp)?.serializedMessage);
  });
});
