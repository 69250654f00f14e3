import { describe, expect, it } from "vitest";
import { MessageTypeRegistry, ValueCodec } from "../../src/entry-points/serialization.js";
import { AsMessage, InvalidArgumentError, MessageDecodingFailedError } from "../../src/index.js";

@AsMessage("test.serializer.codec.address")
class Address {
  constructor(
    readonly street: string,
    readonly since: Date,
  ) {}
  get label(): string {
    return `${this.street} (${this.since.getUTCFullYear()})`;
  }
}

@AsMessage("test.serializer.codec.money")
class Money {
  readonly #cents: bigint;
  constructor(cents: bigint) {
    this.#cents = cents;
  }
  get cents(): bigint {
    return this.#cents;
  }
  toJSON(): string {
    return this.#cents.toString();
  }
  static fromJSON(data: unknown): Money {
    return new Money(BigInt(data as string));
  }
}

class Unregistered {
  constructor(readonly x: number) {}
}

const codec = new ValueCodec();
const roundTrip = (value: unknown): unknown => codec.decode(JSON.parse(JSON.stringify(codec.encode(value))));

describe("ValueCodec", () => {
  it("leaves plain JSON untouched (same reference: no copy on the hot path)", () => {
    const value = { a: 1, b: ["x", true, null, { c: 2.5 }], d: { e: "f" } };
    expect(codec.encode(value)).toBe(value);
    expect(roundTrip(value)).toEqual(value);
  });

  it("tags Date, bigint, Map and Set, and rebuilds them", () => {
    const at = new Date("2024-05-01T10:20:30.456Z");
    const value = {
      at,
      big: 12345678901234567890n,
      map: new Map<unknown, unknown>([
        ["k", 1],
        [2, at],
      ]),
      set: new Set(["a", 3n]),
    };
    const encoded = JSON.parse(JSON.stringify(codec.encode(value)));
    expect(encoded).toEqual({
      at: { $date: "2024-05-01T10:20:30.456Z" },
      big: { $bigint: "12345678901234567890" },
      map: {
        $map: [
          ["k", 1],
          [2, { $date: "2024-05-01T10:20:30.456Z" }],
        ],
      },
      set: { $set: ["a", { $bigint: "3" }] },
    });
    const decoded = codec.decode(encoded) as typeof value;
    expect(decoded.at).toBeInstanceOf(Date);
    expect(decoded.at.getTime()).toBe(at.getTime());
    expect(decoded.big).toBe(12345678901234567890n);
    expect(decoded.map).toBeInstanceOf(Map);
    expect((decoded.map.get(2) as Date).toISOString()).toBe(at.toISOString());
    expect(decoded.set).toEqual(new Set(["a", 3n]));
  });

  it("does not mutate the value it encodes", () => {
    const value = { list: [1, new Date(0)], nested: { big: 1n } };
    codec.encode(value);
    expect(value.list[1]).toBeInstanceOf(Date);
    expect(value.nested.big).toBe(1n);
  });

  it("sends a registered class as $type and rebuilds it without calling its constructor", () => {
    const address = new Address("Main St", new Date("2020-01-01T00:00:00Z"));
    const encoded = JSON.parse(JSON.stringify(codec.encode({ address })));
    expect(encoded).toEqual({
      address: {
        $type: "test.serializer.codec.address",
        value: { street: "Main St", since: { $date: "2020-01-01T00:00:00.000Z" } },
      },
    });
    const decoded = (codec.decode(encoded) as { address: Address }).address;
    expect(decoded).toBeInstanceOf(Address);
    expect(decoded.label).toBe("Main St (2020)");
    expect(Object.getOwnPropertyDescriptor(decoded, "street")).toMatchObject({
      enumerable: true,
      writable: true,
    });
  });

  it("uses toJSON/fromJSON when a registered class has them (private fields)", () => {
    const encoded = JSON.parse(JSON.stringify(codec.encode([new Money(199n)])));
    expect(encoded).toEqual([{ $type: "test.serializer.codec.money", value: "199" }]);
    const [money] = codec.decode(encoded) as Money[];
    expect(money).toBeInstanceOf(Money);
    expect(money!.cents).toBe(199n);
  });

  it("escapes plain objects that look like tags, and reads them back as plain objects", () => {
    const value = [{ $date: "not a date" }, { $type: "x", value: 1 }, { $object: 1 }, { $a: 1, $b: 2 }];
    const encoded = JSON.parse(JSON.stringify(codec.encode(value)));
    expect(encoded.slice(0, 3)).toEqual([
      { $object: { $date: "not a date" } },
      { $object: { $type: "x", value: 1 } },
      { $object: { $object: 1 } },
    ]);
    expect(encoded[3]).toEqual({ $a: 1, $b: 2 });
    expect(codec.decode(encoded)).toEqual(value);
  });

  it("escapes by what reaches the wire: undefined values are dropped first", () => {
    const encoded = JSON.parse(JSON.stringify(codec.encode({ a: undefined, $x: 1 })));
    expect(encoded).toEqual({ $object: { $x: 1 } });
    expect(codec.decode(encoded)).toEqual({ $x: 1 });
  });

  it("drops undefined fields and turns undefined array items into null, as JSON does", () => {
    expect(roundTrip({ a: undefined, b: [undefined, 1] })).toEqual({ b: [null, 1] });
  });

  it("refuses an unregistered class instance, naming it and the path", () => {
    const act = () => codec.encode({ items: [{ owner: new Unregistered(1) }] });
    expect(act).toThrow(InvalidArgumentError);
    expect(act).toThrow(/Unregistered.*@AsMessage.*\$\.items\[0\]\.owner/);
  });

  it("refuses functions, symbols, NaN, invalid dates and circular structures", () => {
    expect(() => codec.encode({ f: () => 1 })).toThrow(/function.*\$\.f/);
    expect(() => codec.encode({ s: Symbol("x") })).toThrow(/symbol/);
    expect(() => codec.encode({ n: Number.NaN })).toThrow(/NaN is not a finite number/);
    expect(() => codec.encode({ d: new Date("nope") })).toThrow(/invalid Date/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => codec.encode(loop)).toThrow(/circular/);
  });

  it("refuses forbidden keys when encoding, so the producer learns first", () => {
    expect(() => codec.encode(JSON.parse('{"__proto__": 1}'))).toThrow(/"__proto__" is not allowed/);
    expect(() => codec.encode({ nested: { constructor: 1 } })).toThrow(/"constructor" is not allowed/);
  });

  it("fails to decode malformed tags, unknown tags and unknown types with the path", () => {
    const bad: [string, RegExp][] = [
      ['{"a":{"$date":"yesterday-ish"}}', /expected a date string at \$\.a\.\$date/],
      ['{"a":{"$bigint":"12x"}}', /expected a string of digits/],
      ['{"a":{"$map":[[1]]}}', /\[key, value\] pair at \$\.a\.\$map\[0\]/],
      ['{"a":{"$set":{}}}', /expected an array/],
      ['{"a":{"$ref":"#/x"}}', /unknown tag "\$ref"/],
      [
        '{"a":{"$type":"test.serializer.codec.nope","value":{}}}',
        /unknown message type "test.serializer.codec.nope"/,
      ],
      [
        '{"a":{"$type":"test.serializer.codec.address","value":[1]}}',
        /expected an object of fields for Address/,
      ],
      ['{"a":{"$type":"test.serializer.codec.money","value":"zz"}}', /Money.fromJSON failed/],
    ];
    for (const [json, message] of bad) {
      expect(() => codec.decode(JSON.parse(json)), json).toThrow(message);
      expect(() => codec.decode(JSON.parse(json)), json).toThrow(MessageDecodingFailedError);
    }
  });

  it("rejects input nested deeper than the limit as a decoding error, not a stack overflow", () => {
    const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(() => codec.decode(deep)).toThrow(/nesting deeper than 512/);
  });

  it("only knows the types of its own registry", () => {
    const isolated = new ValueCodec(new MessageTypeRegistry());
    expect(() => isolated.encode(new Address("x", new Date(0)))).toThrow(/Address/);
  });
});
