import {
  InvalidArgumentError,
  JsonSerializer,
  nullLogger,
  systemClock,
  type Transport,
  type TransportFactory,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { DEFAULT_DELIVERY_LIMIT, DEFAULT_REDELIVERY_TIMEOUT_MS } from "@messenger-ts/core/transport";
import { InMemoryTransport, InMemoryTransportFactory } from "@messenger-ts/transport-memory";
import { PostgresTransport, PostgresTransportFactory } from "@messenger-ts/transport-postgres";
import { RedisTransport, RedisTransportFactory } from "@messenger-ts/transport-redis";
import { SqliteTransport, SqliteTransportFactory } from "@messenger-ts/transport-sqlite";
import { afterEach, describe, expect, it } from "vitest";

/**
 * The options every transport shares, checked over all transport factories: same DSN names
 * (Symfony's), same units, same parsing, same errors, same default redelivery timeout. Nothing
 * here connects: factories and constructors build transports without touching the backend, so
 * the addresses below are never dialled.
 */

interface Built extends Transport {
  readonly redeliveryTimeout: number;
  readonly deliveryLimit: number;
  readonly autoSetup?: boolean;
}

interface Case {
  readonly name: string;
  readonly factory: TransportFactory;
  readonly dsn: string;
  /** Whether the transport has something to set up, and so states its `autoSetup`. */
  readonly setsUp: boolean;
  /** The transport built by its constructor with no options but the location. */
  readonly construct: () => Built;
}

const CASES: readonly Case[] = [
  {
    name: "in-memory",
    factory: new InMemoryTransportFactory(),
    dsn: "in-memory://",
    setsUp: false,
    construct: () => new InMemoryTransport(),
  },
  {
    name: "postgres",
    factory: new PostgresTransportFactory(),
    dsn: "postgres://app:secret@127.0.0.1:1/app",
    setsUp: true,
    construct: () => new PostgresTransport({ connection: { host: "127.0.0.1", port: 1 } }),
  },
  {
    name: "sqlite",
    factory: new SqliteTransportFactory(),
    dsn: "sqlite://:memory:",
    setsUp: true,
    construct: () => new SqliteTransport({ path: ":memory:" }),
  },
  {
    name: "redis",
    factory: new RedisTransportFactory(),
    dsn: "redis://127.0.0.1:1/stream",
    setsUp: true,
    construct: () => new RedisTransport({ connection: { host: "127.0.0.1", port: 1 } }),
  },
];

const context: TransportFactoryContext = {
  name: "async",
  serializer: new JsonSerializer(),
  clock: systemClock,
  logger: nullLogger,
  bus: () => {
    throw new Error("not used");
  },
  connections: {},
};

const built: Transport[] = [];

afterEach(async () => {
  for (const transport of built.splice(0)) {
    if ("close" in transport && typeof transport.close === "function") await transport.close();
  }
});

function keep<T extends Transport>(transport: T): T {
  built.push(transport);
  return transport;
}

function withQuery(dsn: string, query: string): string {
  return `${dsn}${dsn.includes("?") ? "&" : "?"}${query}`;
}

function build(c: Case, query: string): Built {
  return keep(c.factory.createTransport(withQuery(c.dsn, query), {}, context) as Built);
}

function errorOf(run: () => unknown): InvalidArgumentError & { readonly code: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError & { readonly code: string };
  }
  throw new Error("expected an error");
}

describe.each(CASES)("the shared transport options on $name", (c) => {
  it("reads redeliver_timeout in seconds, fractions allowed, as a redeliveryTimeout in milliseconds", () => {
    expect(build(c, "redeliver_timeout=0.5").redeliveryTimeout).toBe(500);
    expect(build(c, "redeliver_timeout=3600").redeliveryTimeout).toBe(3_600_000);
  });

  it.each([
    ["false", false],
    ["0", false],
    ["1", true],
    ["true", true],
  ])("accepts auto_setup=%s", (value, expected) => {
    const transport = build(c, `auto_setup=${value}`);
    if (c.setsUp) expect(transport.autoSetup).toBe(expected);
  });

  it("rejects an unknown option, listing the allowed ones", () => {
    const error = errorOf(() => build(c, "redeliver_timeout=1&no_such_option=1"));
    expect(error.code).toBe("UNKNOWN_TRANSPORT_OPTION");
    expect(error.message).toContain('Unknown option "no_such_option" for transport "async"');
    expect(error.message).toMatch(/; allowed: .*\bredeliver_timeout\b/);
    expect(error.message).toMatch(/; allowed: .*\bauto_setup\b/);
  });

  it("rejects a bad boolean, naming the value and the accepted forms", () => {
    const error = errorOf(() => build(c, "auto_setup=yes"));
    expect(error.code).toBe("INVALID_TRANSPORT_OPTION");
    expect(error.message).toContain('Invalid value "yes" for option "auto_setup" of transport "async"');
    expect(error.message).toContain('expected true or false (or "true" / "false", "1" / "0")');
  });

  it.each(["soon", "0", "-1", "1e3", "2000001"])(
    "rejects redeliver_timeout=%s, naming the value and the allowed form",
    (value) => {
      const error = errorOf(() => build(c, `redeliver_timeout=${value}`));
      expect(error.code).toBe("INVALID_TRANSPORT_OPTION");
      expect(error.message).toContain(
        `Invalid value "${value}" for option "redeliver_timeout" of transport "async"`,
      );
      expect(error.message).toContain("expected a number of seconds > 0 and at most 2000000 (e.g. 30)");
    },
  );

  it("reads delivery_limit as a whole number from 1 to 1000000, with the same default, 5", () => {
    expect(build(c, "delivery_limit=1").deliveryLimit).toBe(1);
    expect(build(c, "delivery_limit=1000000").deliveryLimit).toBe(1_000_000);
    expect(DEFAULT_DELIVERY_LIMIT).toBe(5);
    expect(keep(c.factory.createTransport(c.dsn, {}, context) as Built).deliveryLimit).toBe(5);
    expect(keep(c.construct()).deliveryLimit).toBe(5);
  });

  it.each(["0", "1.5", "1000001", "many"])(
    "rejects delivery_limit=%s, naming the value and the range",
    (value) => {
      const error = errorOf(() => build(c, `delivery_limit=${value}`));
      expect(error.code).toBe("INVALID_TRANSPORT_OPTION");
      expect(error.message).toContain(
        `Invalid value "${value}" for option "delivery_limit" of transport "async"`,
      );
      expect(error.message).toContain("expected a whole number from 1 to 1000000");
    },
  );

  it("redelivers after the same default timeout, 30 s, from a DSN and from the constructor", () => {
    expect(DEFAULT_REDELIVERY_TIMEOUT_MS).toBe(30_000);
    expect(keep(c.factory.createTransport(c.dsn, {}, context) as Built).redeliveryTimeout).toBe(30_000);
    expect(keep(c.construct()).redeliveryTimeout).toBe(30_000);
  });
});
