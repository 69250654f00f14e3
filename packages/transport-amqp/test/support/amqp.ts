import {
  AsMessage,
  type Envelope,
  JsonSerializer,
  type Logger,
  nullLogger,
  systemClock,
  type TransportFactoryContext,
} from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
import { type ChannelModel, connect } from "amqplib";
import { afterAll, afterEach } from "vitest";
import { type AmqpTransport, AmqpTransportFactory } from "../../src/index.js";

/** The test broker: AMQP_URL, or the local default (guest/guest, vhost "/"). */
export const AMQP_URL = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const url = new URL(AMQP_URL);
export const AMQP = { host: url.hostname || "127.0.0.1", port: Number(url.port || 5672) };

/** Skips loudly locally, fails under CI=true, when RabbitMQ is down. */
export const amqpUp = await requireService("RabbitMQ", AMQP);

export function factoryContext(name = "async", logger: Logger = nullLogger): TransportFactoryContext {
  return {
    name,
    serializer: new JsonSerializer(),
    clock: systemClock,
    logger,
    bus: () => {
      throw new Error("no bus in these tests");
    },
    connections: {},
  };
}

/** `amqp://…/%2f/<exchange>?…`, the query written as given (brackets unescaped, as users write it). */
export function dsn(exchange: string, query = "", base = AMQP_URL): string {
  return `${base.replace(/\/$/, "")}/%2f/${encodeURIComponent(exchange)}${query ? `?${query}` : ""}`;
}

/** A plain amqplib connection for the tests' own looks and cleanup, never one a transport uses. */
export async function adminConnection(base = AMQP_URL): Promise<ChannelModel> {
  const model = await connect(base);
  model.on("error", () => undefined);
  return model;
}

/** Deletes queues and exchanges (missing ones are fine), each on a channel of its own. */
export async function deleteAll(
  model: ChannelModel,
  names: { queues?: readonly string[]; exchanges?: readonly string[] },
): Promise<void> {
  for (const queue of names.queues ?? []) {
    const channel = await model.createChannel();
    channel.on("error", () => undefined);
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.close().catch(() => undefined);
  }
  for (const exchange of names.exchanges ?? []) {
    const channel = await model.createChannel();
    channel.on("error", () => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await channel.close().catch(() => undefined);
  }
}

/** What a test file on the shared broker works with: see {@link amqpTestFile}. */
export interface AmqpTestFile {
  /** An exchange name no other test (file, process) uses; its default queue has the same name. */
  name(): string;
  /** A transport on `exchange` (and its queue of the same name unless the query says), closed after the test. */
  transport(exchange: string, query?: string, context?: TransportFactoryContext): AmqpTransport;
  /** The admin connection (opened on first use). */
  admin(): Promise<ChannelModel>;
}

/**
 * Registers the file's cleanup: transports closed after each test, every exchange and queue
 * the file named deleted after the file. Delay queues expire by themselves 10 s after their last
 * use (Symfony's x-expires). Call it once, at the top of the test file.
 */
export function amqpTestFile(file: string): AmqpTestFile {
  const open: AmqpTransport[] = [];
  const names: string[] = [];
  let admin: Promise<ChannelModel> | undefined;
  let count = 0;

  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  afterAll(async () => {
    if (!amqpUp || names.length === 0) return;
    admin ??= adminConnection();
    const model = await admin;
    await deleteAll(model, { queues: names, exchanges: names });
    await model.close();
  });

  return {
    name() {
      const name = `mt-test.${file}.${process.pid}.${++count}`;
      names.push(name);
      return name;
    },
    transport(exchange, query = "", context = factoryContext()) {
      const created = new AmqpTransportFactory().createTransport(dsn(exchange, query), {}, context);
      open.push(created);
      return created;
    },
    admin() {
      admin ??= adminConnection();
      return admin;
    },
  };
}

/** get() until `count` came back, or `emptyFetches` fetches found nothing. */
export async function receive(
  transport: AmqpTransport,
  count: number,
  emptyFetches = 5,
): Promise<Envelope[]> {
  const received: Envelope[] = [];
  for (let empty = 0; received.length < count && empty < emptyFetches; ) {
    const batch = await transport.get();
    if (batch.length === 0) empty++;
    received.push(...batch);
  }
  return received;
}

/** Polls until `check` holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}

@AsMessage("amqp_test.job")
export class Job {
  constructor(readonly n: number) {}
}
