import "reflect-metadata";
import { createMessenger } from "@messenger-ts/core";
import { AmqpTransportFactory } from "@messenger-ts/transport-amqp";
import type { GetMessage, MessageProperties } from "amqplib";
import { afterAll, describe, expect, it } from "vitest";
import { LAYOUTS, layoutNamed } from "../src/amqp-layouts.js";
import { AMQP_URL, deleteAmqp, isolated } from "../src/backends.js";
import { BenchJob } from "../src/systems/messenger-common.js";

// The layouts stand for what the transport publishes only while they match it: a message sent
// through messenger-amqp is read back with plain amqplib and compared.
const EXCHANGE = isolated(`bench.layout-test.${process.pid}`);

/** The AMQP properties a message was published with (amqplib reports the absent ones as undefined). */
function setProperties(properties: Partial<MessageProperties>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined));
}

async function sentThroughMessengerAmqp(): Promise<GetMessage> {
  const messenger = createMessenger({
    transports: { bench: `${AMQP_URL}/%2f/${EXCHANGE}` },
    transportFactories: [new AmqpTransportFactory()],
    routing: [[BenchJob, "bench"]],
  });
  try {
    await messenger.setup();
    await messenger.bus.dispatch(new BenchJob(7));
  } finally {
    await messenger.close();
  }
  const { connect } = await import("amqplib");
  const model = await connect(AMQP_URL);
  try {
    const channel = await model.createChannel();
    // Symfony's default layout: a fanout exchange and a queue of the same name.
    const message = await channel.get(EXCHANGE, { noAck: true });
    if (message === false) throw new Error(`nothing arrived in queue ${EXCHANGE}`);
    return message;
  } finally {
    await model.close();
  }
}

describe("the RabbitMQ layouts the benchmark compares", () => {
  afterAll(() => deleteAmqp([EXCHANGE]));

  it("messenger-amqp's is what the transport publishes: the same headers and the same properties", async () => {
    const message = await sentThroughMessengerAmqp();
    const layout = layoutNamed("messenger-amqp");
    const expected = layout.properties();
    const sent = setProperties(message.properties);

    expect(layout.viaExchange).toBe(true);
    expect(message.fields.exchange).toBe(EXCHANGE);
    expect(Object.keys(sent).sort()).toEqual(Object.keys(setProperties(expected)).sort());
    expect(sent.headers).toEqual(expected.headers);
    expect(sent.contentType).toBe(expected.contentType);
    expect(sent.deliveryMode).toBe(expected.deliveryMode);
    expect(typeof sent.timestamp).toBe("number");
    expect(sent.messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("Symfony's is messenger-amqp's without the message_id", () => {
    const { messageId, ...rest } = layoutNamed("messenger-amqp").properties();
    expect(messageId).toBeDefined();
    expect(Object.keys(layoutNamed("symfony").properties()).sort()).toEqual(Object.keys(rest).sort());
    expect(layoutNamed("symfony").viaExchange).toBe(true);
  });

  it("names every layout once, and refuses an unknown name with the known ones", () => {
    const names = LAYOUTS.map((layout) => layout.name);
    expect(new Set(names).size).toBe(names.length);
    expect(() => layoutNamed("nope")).toThrow(`Unknown layout "nope"; the layouts: ${names.join(", ")}.`);
  });
});
