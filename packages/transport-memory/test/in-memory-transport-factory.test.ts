import {
  DelayStamp,
  DeliveryLimitExceededStamp,
  Envelope,
  InvalidArgumentError,
  type MessageBus,
  nullLogger,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { TransportFactoryRegistry } from "@messenger-ts/core/transport";
import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryTransport, InMemoryTransportFactory } from "../src/index.js";
import { SendEmail } from "./support/messages.js";
import { TestSerializer } from "./support/test-serializer.js";

describe("InMemoryTransportFactory", () => {
  let factory: InMemoryTransportFactory;
  let context: TransportFactoryContext;
  let serializer: TestSerializer;
  let clock: FakeClock;

  beforeEach(() => {
    factory = new InMemoryTransportFactory();
    serializer = new TestSerializer();
    clock = new FakeClock();
    context = {
      name: "async",
      serializer,
      clock,
      logger: nullLogger,
      bus: (): MessageBus => {
        throw new Error("not needed");
      },
      connections: {},
    };
  });

  it("supports in-memory:// DSNs only", () => {
    expect(factory.schemes).toEqual(["in-memory"]);
    expect(factory.supports("in-memory://")).toBe(true);
    expect(factory.supports("IN-MEMORY://?serialize=true")).toBe(true);
    expect(factory.supports("redis://localhost")).toBe(false);
    expect(() => factory.createTransport("redis://localhost", {}, context)).toThrow(InvalidArgumentError);
  });

  it("is found by the registry and builds a transport that uses the context's clock", async () => {
    const transport = new TransportFactoryRegistry([factory]).createTransport("in-memory://", {}, context);
    expect(transport).toBeInstanceOf(InMemoryTransport);
    await transport.send(Envelope.wrap(new SendEmail("a"), [new DelayStamp(1_000)]));
    expect(await transport.get()).toEqual([]);
    await clock.advance(1_000);
    expect(await transport.get()).toHaveLength(1);
  });

  it.each([
    ["in-memory://", {}, false],
    ["in-memory://?serialize=true", {}, true],
    ["in-memory://?serialize=false", { serialize: true }, false],
    ["in-memory://", { serialize: true }, true],
    ["in-memory://", { serialize: "true" }, true],
    ["in-memory://", { serialize: false }, false],
    ["in-memory://?serialize=1", {}, true],
    ["in-memory://?serialize=0", { serialize: true }, false],
  ])("reads serialize from %s with options %j as %s (the DSN wins)", async (dsn, options, expected) => {
    const transport = factory.createTransport(dsn, options, context);
    expect(transport.serializes).toBe(expected);
    await transport.send(Envelope.wrap(new SendEmail("a")));
    expect(serializer.encodeCalls).toBe(expected ? 1 : 0);
  });

  it("rejects an unknown option, from the DSN or the options, listing the allowed ones", () => {
    expect(() => factory.createTransport("in-memory://?serialise=true", {}, context)).toThrow(
      /Unknown option "serialise" for transport "async" \(in-memory:\/\/\); allowed: serialize, redeliver_timeout, delivery_limit, auto_setup/,
    );
    expect(() => factory.createTransport("in-memory://", { queue_name: "x" }, context)).toThrow(
      expect.objectContaining({
        code: "UNKNOWN_TRANSPORT_OPTION",
        message: expect.stringMatching(/queue_name/),
      }),
    );
  });

  it.each([
    ["in-memory://?serialize=yes", {}, '"yes"'],
    ["in-memory://?serialize=on", {}, '"on"'],
    ["in-memory://", { serialize: 1 }, "1"],
    ["in-memory://", { serialize: null }, "null"],
  ])("rejects serialize in %s / %j, naming the value %s", (dsn, options, shown) => {
    let error: unknown;
    try {
      factory.createTransport(dsn, options, context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain(
      `Invalid value ${shown} for option "serialize" of transport "async"`,
    );
    expect((error as Error).message).toContain("expected true or false");
  });

  it.each([
    ["in-memory://", {}, 30_000],
    ["in-memory://?redeliver_timeout=3600", {}, 3_600_000],
    ["in-memory://", { redeliver_timeout: 5 }, 5_000],
    ["in-memory://", { redeliver_timeout: "5" }, 5_000],
    ["in-memory://?redeliver_timeout=0.5", {}, 500],
    ["in-memory://?redeliver_timeout=1&serialize=true", { redeliver_timeout: 5 }, 1_000],
  ])("reads redeliver_timeout from %s with options %j as %s ms (the DSN wins)", (dsn, options, expected) => {
    expect(factory.createTransport(dsn, options, context).redeliveryTimeout).toBe(expected);
  });

  it.each([
    ["in-memory://", {}, 5],
    ["in-memory://?delivery_limit=1", {}, 1],
    ["in-memory://", { delivery_limit: 12 }, 12],
    ["in-memory://", { delivery_limit: "3" }, 3],
    ["in-memory://?delivery_limit=2", { delivery_limit: 9 }, 2],
  ])("reads delivery_limit from %s with options %j as %s (the DSN wins)", (dsn, options, expected) => {
    expect(factory.createTransport(dsn, options, context).deliveryLimit).toBe(expected);
  });

  it.each([
    ["in-memory://?delivery_limit=0", {}, '"0"'],
    ["in-memory://?delivery_limit=-1", {}, '"-1"'],
    ["in-memory://?delivery_limit=2.5", {}, '"2.5"'],
    ["in-memory://?delivery_limit=many", {}, '"many"'],
    ["in-memory://", { delivery_limit: 0 }, "0"],
    ["in-memory://", { delivery_limit: null }, "null"],
  ])("rejects delivery_limit in %s / %j, naming the value %s", (dsn, options, shown) => {
    expect(() => factory.createTransport(dsn, options, context)).toThrow(
      expect.objectContaining({
        code: "INVALID_TRANSPORT_OPTION",
        message: expect.stringContaining(
          `Invalid value ${shown} for option "delivery_limit" of transport "async" (in-memory://): expected a whole number from 1 to`,
        ),
      }),
    );
  });

  it("builds a transport that marks a message delivered more than the DSN's delivery_limit", async () => {
    const transport = factory.createTransport(
      "in-memory://?delivery_limit=1&redeliver_timeout=1",
      {},
      context,
    );
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const [first] = await transport.get();
    expect(first!.has(DeliveryLimitExceededStamp)).toBe(false);
    await clock.advance(1_000);
    const [second] = await transport.get();
    expect(second!.last(DeliveryLimitExceededStamp)).toEqual(new DeliveryLimitExceededStamp(2, 1));
  });

  it("builds a transport whose claims expire after the DSN's redeliver_timeout on the context's clock", async () => {
    const transport = factory.createTransport("in-memory://?redeliver_timeout=1.5", {}, context);
    await transport.send(Envelope.wrap(new SendEmail("a")));
    const [claimed] = await transport.get();
    await clock.advance(1_499);
    expect(await transport.get()).toEqual([]);
    await clock.advance(1);
    expect((await transport.get()).map((e) => e.message)).toEqual([claimed!.message]);
  });

  it.each([
    ["in-memory://?redeliver_timeout=0", {}, '"0"'],
    ["in-memory://?redeliver_timeout=-5", {}, '"-5"'],
    ["in-memory://?redeliver_timeout=1e3", {}, '"1e3"'],
    ["in-memory://?redeliver_timeout=soon", {}, '"soon"'],
    ["in-memory://?redeliver_timeout=", {}, '""'],
    ["in-memory://", { redeliver_timeout: 0 }, "0"],
    ["in-memory://", { redeliver_timeout: -2.5 }, "-2.5"],
    ["in-memory://", { redeliver_timeout: null }, "null"],
    ["in-memory://", { redeliver_timeout: true }, "true"],
  ])("rejects redeliver_timeout in %s / %j, naming the value %s", (dsn, options, shown) => {
    let error: unknown;
    try {
      factory.createTransport(dsn, options, context);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: "INVALID_TRANSPORT_OPTION" });
    expect((error as Error).message).toBe(
      `Invalid value ${shown} for option "redeliver_timeout" of transport "async" (in-memory://): expected a number of seconds > 0 and at most 2000000 (e.g. 30).`,
    );
  });

  it("remembers the transports it built and resets them all", async () => {
    const one = factory.createTransport("in-memory://", {}, context);
    const two = factory.createTransport("in-memory://?serialize=true", {}, { ...context, name: "failed" });
    await one.send(Envelope.wrap(new SendEmail("a")));
    await two.send(Envelope.wrap(new SendEmail("b")));
    expect(factory.transports).toEqual([one, two]);
    factory.resetAll();
    expect([one.getSent(), two.getSent()]).toEqual([[], []]);
    expect([await one.get(), await two.get()]).toEqual([[], []]);
  });
});
