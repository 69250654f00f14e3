import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorDetailsStamp, isListableReceiver, SentToFailureTransportStamp } from "@messenger-ts/core";
import { RedisTransport } from "@messenger-ts/transport-redis";
import { SqliteTransport } from "@messenger-ts/transport-sqlite";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  AnalyzeLeadMessage,
  createLeadgenApp,
  type LeadgenApp,
  type LeadgenOptions,
  loadFixtures,
  PRIORITY_ORDER,
  SendEmailMessage,
  SyncAresDataMessage,
  TakeScreenshotMessage,
} from "../../src/index.js";
import { consume } from "../support/consume.js";
import { TEST_RETRY_DELAY_SCALE } from "../support/pg-app.js";
import { REDIS, redisUp } from "../support/redis.js";

/**
 * The seed's three failure inputs and some ordinary work, with one development worker consuming
 * `high_priority normal low_priority` in that order: what `npm run demo` shows, on each backend.
 */
async function runTheFailureInputs(app: LeadgenApp) {
  const fixtures = await loadFixtures(app);
  await app.bus.dispatch(new AnalyzeLeadMessage(fixtures.failingInputs.invalidWebsiteLeadId));
  await app.bus.dispatch(new SendEmailMessage(fixtures.failingInputs.undeliverableOfferId));
  await app.bus.dispatch(new SyncAresDataMessage([fixtures.failingInputs.aresIco]));
  await app.bus.dispatch(new AnalyzeLeadMessage(fixtures.leads.ordinace));
  await app.bus.dispatch(new SendEmailMessage(fixtures.offers.kavarna));
  await app.bus.dispatch(new TakeScreenshotMessage(fixtures.leads.kavarna, "https://kavarna-u-mostu.cz/"));
  const run = await consume(app.messenger, PRIORITY_ORDER, {
    // Handled: the e-mail, the analysis, the screenshot dispatched here and the one the analysis sent on.
    until: (c) => c.gaveUp === 3 && c.handled.length === 4,
  });
  const failedTransport = app.messenger.getTransport("failed");
  if (!isListableReceiver(failedTransport)) throw new Error("failed is not listable");
  const failed = await failedTransport.all();
  return { run, fixtures, failed };
}

function expectTheDocumentedOutcome(outcome: Awaited<ReturnType<typeof runTheFailureInputs>>) {
  const { run, failed } = outcome;
  const attempts = (name: string) => run.received.filter((e) => e.message.constructor.name === name).length;
  // .invalid website and .invalid address: one attempt each; 00000000: 1 + 3 retries on normal.
  expect(attempts("SendEmailMessage")).toBe(2);
  expect(attempts("SyncAresDataMessage")).toBe(4);
  expect(attempts("AnalyzeLeadMessage")).toBe(2);
  expect(attempts("TakeScreenshotMessage")).toBe(2);
  expect(
    failed
      .map((e) => [
        e.message.constructor.name,
        e.last(SentToFailureTransportStamp)!.originalReceiverName,
        e.last(ErrorDetailsStamp)!.errorCode,
      ])
      .sort(),
  ).toEqual([
    ["AnalyzeLeadMessage", "normal", "WEBSITE_UNREACHABLE"],
    ["SendEmailMessage", "high_priority", "SES_MESSAGE_REJECTED"],
    ["SyncAresDataMessage", "normal", "ARES_UNAVAILABLE"],
  ]);
}

describe("the default configuration: queues and data in one SQLite file", () => {
  const directory = mkdtempSync(join(tmpdir(), "leadgen-sqlite-"));
  let app: LeadgenApp | undefined;
  afterAll(async () => {
    await app?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("runs the failure inputs as documented: retried per the strategy or straight to failed", async () => {
    app = await createLeadgenApp({
      env: {},
      sqlitePath: join(directory, "leadgen.sqlite"),
      retryDelayScale: TEST_RETRY_DELAY_SCALE,
      latencyMs: 1,
      scheduleStore: null,
    });
    expect(app.messenger.getTransport("normal")).toBeInstanceOf(SqliteTransport);
    const outcome = await runTheFailureInputs(app);
    expectTheDocumentedOutcome(outcome);
    expect(await app.store.findEmailByOffer(outcome.fixtures.offers.kavarna)).toBeDefined();
  });
});

describe.skipIf(!redisUp)("MESSENGER_TRANSPORT_DSN=redis://: the same queues as Redis streams", () => {
  const prefix = `leadgen-test-${process.pid}:`;
  let app: LeadgenApp | undefined;
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("runs the failure inputs as documented, with the failure transport on Redis", async () => {
    const options: LeadgenOptions = {
      env: { MESSENGER_TRANSPORT_DSN: `redis://${REDIS.host}:${REDIS.port}?prefix=${prefix}` },
      sqlitePath: ":memory:",
      retryDelayScale: TEST_RETRY_DELAY_SCALE,
      latencyMs: 1,
      scheduleStore: null,
    };
    app = await createLeadgenApp(options);
    expect(app.messenger.getTransport("high_priority")).toBeInstanceOf(RedisTransport);
    expectTheDocumentedOutcome(await runTheFailureInputs(app));
    const streams = (await redis.keys(`${prefix}*`))
      .filter((key) => !key.includes(":", prefix.length))
      .sort();
    expect(streams).toEqual(["failed", "high", "low", "normal"].map((stream) => `${prefix}${stream}`));
  });
});
