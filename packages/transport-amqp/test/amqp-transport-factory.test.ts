import { InvalidArgumentError, type MessengerError } from "@messenger-ts/core";
import { describe, expect, it } from "vitest";
import { AmqpTransportFactory, parseAmqpDsn, resolveAmqpOptions } from "../src/index.js";
import { factoryContext } from "./support/amqp.js";

const factory = new AmqpTransportFactory();

function resolve(dsn: string, options: Record<string, unknown> = {}) {
  const parsed = parseAmqpDsn(dsn);
  return resolveAmqpOptions('transport "async"', parsed, parsed.query, options);
}

function errorOf(run: () => unknown): MessengerError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as MessengerError;
  }
  throw new Error("expected an error");
}

describe("AMQP DSN and options", () => {
  it("reads Symfony's DSN: user, password, host, port, vhost (%2f is /) and exchange", () => {
    const o = resolve("amqp://app:s%3Fcret@rabbit.local:5673/%2f/orders");
    expect(o).toMatchObject({
      tls: false,
      host: "rabbit.local",
      port: 5673,
      user: "app",
      password: "s?cret",
      vhost: "/",
      exchange: { name: "orders", type: "fanout", flags: 2 },
      queues: [{ name: "orders", bindingKeys: undefined, flags: 2 }],
      delay: { exchangeName: "delays", queueNamePattern: "delay_%exchange_name%_%routing_key%_%delay%" },
      autoSetup: true,
      prefetchCount: undefined,
      confirmTimeout: 10_000,
    });
  });

  it("defaults as Symfony does: localhost, 5672 (5671 for amqps), vhost /, exchange and queue messages, guest", () => {
    expect(resolve("amqp://")).toMatchObject({
      host: "localhost",
      port: 5672,
      vhost: "/",
      user: "guest",
      password: "guest",
      exchange: { name: "messages" },
      queues: [{ name: "messages" }],
    });
    expect(resolve("amqps://broker/app").port).toBe(5671);
    expect(resolve("amqps://broker/app").vhost).toBe("app");
  });

  it("reads nested options from the query as PHP does, and merges them over the options object", () => {
    const o = resolve(
      "amqp://localhost/%2f/events?exchange[type]=topic&exchange[default_publish_routing_key]=normal" +
        "&queues[high][binding_keys][]=high&queues[high][arguments][x-queue-type]=quorum" +
        "&queues[high][arguments][x-max-priority]=10&queues[low][binding_keys][0]=low&queues[low][binding_keys][1]=bulk" +
        "&delay[exchange_name]=my_delays&prefetch_count=50&confirm_timeout=0.5&heartbeat=30&auto_setup=false",
      { exchange: { type: "direct", arguments: { "alternate-exchange": "lost" } }, delivery_limit: 3 },
    );
    expect(o.exchange).toEqual({
      name: "events",
      type: "topic",
      defaultPublishRoutingKey: "normal",
      flags: 2,
      arguments: { "alternate-exchange": "lost" },
    });
    expect(o.queues).toEqual([
      {
        name: "high",
        bindingKeys: ["high"],
        bindingArguments: {},
        flags: 2,
        arguments: { "x-queue-type": "quorum", "x-max-priority": 10 },
      },
      { name: "low", bindingKeys: ["low", "bulk"], bindingArguments: {}, flags: 2, arguments: {} },
    ]);
    expect(o.delay.exchangeName).toBe("my_delays");
    expect(o).toMatchObject({
      prefetchCount: 50,
      confirmTimeout: 500,
      heartbeat: 30,
      autoSetup: false,
      deliveryLimit: 3,
    });
  });

  it("rejects an unknown option at any level, listing the allowed ones", () => {
    const top = errorOf(() => resolve("amqp://localhost?read_timeout=3"));
    expect(top.code).toBe("UNKNOWN_TRANSPORT_OPTION");
    expect(top.message).toContain('Unknown option "read_timeout" for transport "async"');
    expect(top.message).toMatch(/allowed: .*\bexchange\b.*\bqueues\b.*\bprefetch_count\b/);
    const nested = errorOf(() => resolve("amqp://localhost?queues[q][bindings]=a"));
    expect(nested.message).toContain('Unknown option "queues[q][bindings]"');
    expect(nested.message).toContain("allowed: binding_keys, binding_arguments, flags, arguments");
    expect(errorOf(() => resolve("amqp://localhost", { exchange: { kind: "x" } })).message).toContain(
      'Unknown option "exchange[kind]"',
    );
  });

  it("rejects bad values, naming the value and what is allowed", () => {
    expect(errorOf(() => resolve("amqp://localhost?exchange[type]=round")).message).toContain(
      'Invalid value "round" for option "exchange[type]" of transport "async": expected fanout, direct, topic, headers.',
    );
    expect(errorOf(() => resolve("amqp://localhost?prefetch_count=0")).code).toBe("INVALID_TRANSPORT_OPTION");
    expect(
      errorOf(() => resolve("amqp://localhost?queues[q][arguments][x-max-priority]=high")).message,
    ).toContain('option "queues[q][arguments][x-max-priority]"');
    expect(errorOf(() => resolve("amqp://localhost?confirm_timeout=0")).message).toContain("confirm_timeout");
  });

  it("rejects a DSN that is not amqp:// or has a longer path, without showing its password", () => {
    const error = errorOf(() =>
      factory.createTransport("amqp://app:hunter2@host/v/e/extra", {}, factoryContext()),
    );
    expect(error.code).toBe("INVALID_DSN");
    expect(error.message).toContain("vhost/exchange");
    expect(error.message).not.toContain("hunter2");
    expect(errorOf(() => parseAmqpDsn("redis://host")).code).toBe("INVALID_DSN");
    expect(errorOf(() => resolve("amqp://app:hunter2@host?bogus=1")).message).not.toContain("hunter2");
  });

  it("builds a transport without connecting, for amqp:// and amqps:// only", async () => {
    expect(factory.supports("amqp://x")).toBe(true);
    expect(factory.supports("AMQPS://x")).toBe(true);
    expect(factory.supports("redis://x")).toBe(false);
    const transport = factory.createTransport(
      "amqp://app:hunter2@127.0.0.1:1/%2f/jobs",
      {},
      factoryContext("jobs"),
    );
    expect(transport.name).toBe("jobs");
    expect(transport.queueNames).toEqual(["jobs"]);
    expect(transport.target).toBe("amqp://127.0.0.1:1/%2F");
    // Nothing listens on port 1: the error names the broker, never the password.
    const error = await transport.getMessageCount().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/TransportError: Could not .* the AMQP broker at amqp:\/\/127\.0\.0\.1:1/);
    expect(String(error)).not.toContain("hunter2");
    await transport.close();
  });
});
