// The ways of laying out a bench job on RabbitMQ that src/amqp-layout.ts compares: the benchmark
// peer's, each part of Symfony's and messenger-amqp's layout on its own, and the whole of each.
// The serializer's headers come from messenger-ts's own serializer, so they follow its format.

import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { BusNameStamp, Envelope, JsonSerializer } from "@messenger-ts/core";
import type { Options } from "amqplib";
import { BenchJob } from "./systems/messenger-common.js";

/** How one layout publishes a job: through an exchange or not, and with which properties. */
export interface Layout {
  readonly name: string;
  /** Through a fanout exchange bound to the queue, or to the queue by the default exchange. */
  readonly viaExchange: boolean;
  /** The properties of one message (a fresh timestamp and message_id each call, where it has them). */
  properties(): Options.Publish;
  readonly description: string;
}

// The headers messenger-amqp's default serializer writes for a bench job on the default bus.
const { headers: encoded } = new JsonSerializer().encode(
  Envelope.wrap(new BenchJob(0), [new BusNameStamp("messenger.bus.default")]),
);
const { "Content-Type": contentType, ...headers } = encoded;
const base = { deliveryMode: 2, contentType } as const;
const now = () => Math.floor(Date.now() / 1000);

export const LAYOUTS: readonly Layout[] = [
  { name: "plain", viaExchange: false, properties: () => base, description: "the benchmark's peer" },
  { name: "exchange", viaExchange: true, properties: () => base, description: "through a fanout exchange" },
  {
    name: "headers",
    viaExchange: false,
    properties: () => ({ ...base, headers }),
    description: `the serializer's headers (${Object.keys(headers).join(", ")})`,
  },
  {
    name: "timestamp",
    viaExchange: false,
    properties: () => ({ ...base, timestamp: now() }),
    description: "a timestamp",
  },
  {
    name: "message-id",
    viaExchange: false,
    properties: () => ({ ...base, messageId: randomUUID() }),
    description: "a message_id (a UUID)",
  },
  {
    name: "symfony",
    viaExchange: true,
    properties: () => ({ ...base, headers, timestamp: now() }),
    description: "exchange, headers and timestamp: what Symfony's AMQP transport publishes",
  },
  {
    name: "messenger-amqp",
    viaExchange: true,
    properties: () => ({ ...base, headers, timestamp: now(), messageId: randomUUID() }),
    description: "Symfony's layout and a message_id: what messenger-amqp publishes",
  },
];

/** The layout of this name; an error naming the known ones otherwise. */
export function layoutNamed(name: string): Layout {
  const layout = LAYOUTS.find((candidate) => candidate.name === name);
  if (!layout) {
    throw new Error(`Unknown layout "${name}"; the layouts: ${LAYOUTS.map((l) => l.name).join(", ")}.`);
  }
  return layout;
}
