import { randomBytes } from "node:crypto";
import {
  BusNameStamp,
  createMessenger,
  createWorker,
  DelayStamp,
  Envelope,
  ErrorDetailsStamp,
  type Messenger,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  TraceContextStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { requireService } from "@messenger-ts/core/testing";
import { type RedisTransport, RedisTransportFactory } from "@messenger-ts/transport-redis";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ForeignStamp, SymfonySerializer } from "../src/index.js";
import { nodeHandled, SendEmailHandler, SendEmailMessage } from "./support/messages.js";
import { PhpApp, requirePhp, waitFor } from "./support/php.js";

const redisUp = await requireService("Redis", { host: "127.0.0.1", port: 6379 });
const phpUp = requirePhp();
const TENANT_HEADER = "X-Message-Stamp-App\\Stamp\\TenantStamp";

describe.skipIf(!redisUp || !phpUp)("Redis shared with Symfony Messenger 5.4", { timeout: 60_000 }, () => {
  const prefix = `mt-symfony-${randomBytes(4).toString("hex")}-`;
  const jobs = `${prefix}jobs`;
  const failed = `${prefix}failed`;
  const redis = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true });
  let php: PhpApp;
  let messenger: Messenger;

  beforeAll(() => {
    // Symfony's defaults but for the explicit delete_after_ack (5.4 deprecates leaving it out);
    // phpredis keeps its PHP serializer, so entries PHP writes read `s:<n>:"…";`.
    const dsn = (stream: string) =>
      `redis://127.0.0.1:6379/${stream}/symfony/php-${process.pid}?delete_after_ack=true`;
    php = new PhpApp(
      { jobs: { type: "redis", dsn: dsn(jobs) }, failed: { type: "redis", dsn: dsn(failed) } },
      "failed",
    );
  });

  // A messenger per test: a stopped Node worker's transport may still wait in a blocking read and
  // take the next test's message for itself; closing it hands such messages back.
  beforeEach(() => {
    const serializer = new SymfonySerializer();
    messenger = createMessenger({
      transports: {
        jobs: {
          dsn: `redis://127.0.0.1:6379/${jobs}?symfony=true`,
          serializer,
          retryStrategy: { maxRetries: 1, delay: 100 },
        },
        failed: { dsn: `redis://127.0.0.1:6379/${failed}?symfony=true`, serializer },
      },
      failureTransport: "failed",
      routing: { "interop.send_email": "jobs" },
      transportFactories: [new RedisTransportFactory()],
      handlers: [SendEmailHandler],
    });
  });

  afterEach(async () => {
    await messenger.close();
    nodeHandled.length = 0;
    await redis.del(jobs, `${jobs}__queue`, failed, `${failed}__queue`);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    php?.cleanup();
  });

  const transport = (name: string) => messenger.getTransport(name) as unknown as RedisTransport;

  /** The one message of the failure transport. */
  async function parkedMessage(): Promise<Envelope> {
    const all = await transport("failed").all();
    expect(all).toHaveLength(1);
    return all[0] as Envelope;
  }

  /** Runs a Node worker on `receivers` until `done()` holds. */
  async function consumeUntil(receivers: string[], done: () => boolean | Promise<boolean>, what: string) {
    const worker = createWorker(messenger, { receivers, sleep: 50, timeLimit: 30_000 });
    const running = worker.run();
    try {
      await waitFor(done, what);
    } finally {
      worker.stop();
      await running;
    }
  }

  it("PHP dispatches, at once and delayed (its __queue), and messenger-ts handles both", async () => {
    await php.dispatch("jobs", { offerId: 1, to: "now@example.com" }, 0, "acme");
    await php.dispatch("jobs", { offerId: 2, to: "later@example.com" }, 400);
    expect(await redis.zcard(`${jobs}__queue`)).toBe(1);
    await consumeUntil(["jobs"], () => nodeHandled.length === 2, "both PHP messages handled in Node");
    expect(nodeHandled).toEqual([
      { offerId: 1, to: "now@example.com" },
      { offerId: 2, to: "later@example.com" },
    ]);
    expect(await transport("jobs").getMessageCount()).toBe(0);
  });

  it("messenger-ts dispatches, at once and delayed, and PHP's worker handles both, our own stamps on them", async () => {
    // A stamp Symfony has no class for: under Symfony's prefix 5.4 would delete the message.
    const trace = new TraceContextStamp("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
    await messenger.bus.dispatch(Envelope.wrap(new SendEmailMessage(3, "now@example.com", "Offer"), [trace]));
    await messenger.bus.dispatch(
      Envelope.wrap(new SendEmailMessage(4, "later@example.com"), [new DelayStamp(400), trace]),
    );
    const queued = await redis.zrange(`${jobs}__queue`, "0", "-1");
    expect(queued).toHaveLength(1);
    expect(JSON.parse(String(queued[0]))).toMatchObject({
      headers: {
        type: "App\\Message\\SendEmailMessage",
        "X-Messenger-Ts-Stamp-TraceContextStamp": JSON.stringify([trace]),
      },
    });
    await php.consume("jobs", 2);
    expect(php.handled()).toEqual([
      {
        side: "php",
        class: "App\\Message\\SendEmailMessage",
        offerId: 3,
        to: "now@example.com",
        subject: "Offer",
      },
      {
        side: "php",
        class: "App\\Message\\SendEmailMessage",
        offerId: 4,
        to: "later@example.com",
        subject: "",
      },
    ]);
  });

  it("a message that fails in Node is retried by PHP, which sends it to the failure transport, its PHP stamp kept", async () => {
    await php.dispatch("jobs", { offerId: 5, to: "fail-node-then-php@example.com" }, 0, "acme");
    // Node: first delivery fails, the retry goes to Symfony's __queue with RedeliveryStamp(1).
    await consumeUntil(["jobs"], async () => (await redis.zcard(`${jobs}__queue`)) === 1, "the Node retry");
    // PHP: the retry fails again; with max_retries 1 it goes to the failure transport.
    await php.consume("jobs", 1);
    expect(php.handled().at(-1)).toMatchObject({ offerId: 5 });
    const parked = await parkedMessage();
    expect(parked.message).toEqual(new SendEmailMessage(5, "fail-node-then-php@example.com"));
    // The retry (1), then the move to the failure transport (0, as Symfony does).
    expect(parked.all(RedeliveryStamp).map((stamp: RedeliveryStamp) => stamp.retryCount)).toEqual([1, 0]);
    expect(parked.last(SentToFailureTransportStamp)?.originalReceiverName).toBe("jobs");
    expect(parked.last(ErrorDetailsStamp)).toMatchObject({
      errorClass: "RuntimeException",
      errorMessage: "SMTP refused fail-node-then-php@example.com (PHP)",
    });
    expect(parked.last(BusNameStamp)?.busName).toBe("messenger.bus.default");
    // PHP's own stamp crossed Node (retry) and PHP again untouched.
    const tenant = parked.all(ForeignStamp).find((stamp: ForeignStamp) => stamp.header === TENANT_HEADER);
    expect(tenant?.value).toBe('[{"tenant":"acme"}]');
  });

  it("a message that fails in PHP is retried by messenger-ts, which sends it to the failure transport", async () => {
    await php.dispatch("jobs", { offerId: 6, to: "fail-php-then-node@example.com" }, 0, "acme");
    await php.consume("jobs", 1);
    expect(await redis.zcard(`${jobs}__queue`)).toBe(1);
    await consumeUntil(
      ["jobs"],
      async () => (await transport("failed").getMessageCount()) === 1,
      "the message in the failure transport",
    );
    expect(nodeHandled).toEqual([{ offerId: 6, to: "fail-php-then-node@example.com" }]);
    const parked = await parkedMessage();
    // The retry (1), then the move to the failure transport (0, as Symfony does).
    expect(parked.all(RedeliveryStamp).map((stamp) => stamp.retryCount)).toEqual([1, 0]);
    expect(parked.last(ErrorDetailsStamp)?.errorMessage).toBe(
      "SMTP refused fail-php-then-node@example.com (Node)",
    );
    expect(parked.all(ForeignStamp).map((stamp: ForeignStamp) => stamp.header)).toContain(TENANT_HEADER);
    // PHP reads what Node parked: its worker consumes the failure transport and fails it again.
    await php.consume("failed", 1);
    expect(php.handled().at(-1)).toMatchObject({ offerId: 6, to: "fail-php-then-node@example.com" });
  });

  it("a PHP message of a type messenger-ts does not know is parked whole, and PHP can still handle it", async () => {
    await php.dispatch("jobs", { index: "offers" });
    await consumeUntil(
      ["jobs"],
      async () => (await transport("failed").getMessageCount()) === 1,
      "the undecodable message parked",
    );
    const parked = await parkedMessage();
    expect(parked.message).toBeInstanceOf(UndecodableMessage);
    expect((parked.message as UndecodableMessage).reason).toContain(
      'unknown message type "App\\Message\\RebuildSearchIndexMessage"',
    );
    await php.consume("failed", 1);
    expect(php.handled().at(-1)).toEqual({
      side: "php",
      class: "App\\Message\\RebuildSearchIndexMessage",
      index: "offers",
    });
  });
});
