import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Envelope, isListableReceiver, TransportMessageIdStamp } from "@messenger-ts/core";
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLeadgenApp,
  type LeadgenApp,
  type LoadedFixtures,
  loadFixtures,
  SendEmailMessage,
  TakeScreenshotMessage,
} from "../../src/index.js";
import { chromiumAvailable, launchChromium } from "../support/chromium.js";
import { CONSOLE_BIN } from "../support/console.js";
import { consume } from "../support/consume.js";
import { TEST_RETRY_DELAY_SCALE } from "../support/pg-app.js";
import { dropSchema, PG_URL, pgUp, schemaFor } from "../support/postgres.js";
import { REDIS, redisUp } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";

const browserUp = chromiumAvailable();

/** With DASHBOARD_SCREENSHOTS=1 the PostgreSQL run saves the main pages as docs/dashboard-*.png. */
const SCREENSHOTS = process.env.DASHBOARD_SCREENSHOTS === "1";
const DOCS = fileURLToPath(new URL("../../../../docs/", import.meta.url));

/** `app:serve` as an operator starts it: a child process on a free loopback port. */
interface Served {
  readonly url: string;
  stop(): Promise<void>;
  log(): string;
}

async function serve(env: Readonly<Record<string, string>>): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [CONSOLE_BIN, "app:serve", "--port=0"], {
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const exited = once(child, "exit");
  const listening = new Promise<string>((resolve, reject) => {
    const read = (chunk: string) => {
      log += chunk;
      const url = /Listening on (http:\/\/[\d.]+:\d+)/.exec(log)?.[1];
      if (url) resolve(url);
    };
    child.stdout?.setEncoding("utf8").on("data", read);
    child.stderr?.setEncoding("utf8").on("data", read);
    void exited.then(() => reject(new Error(`app:serve exited before listening:\n${log}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  };
  try {
    return { url: await listening, stop, log: () => log };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The failures an operator finds in the morning: offer e-mails that failed while SES was down (an
 * outage of four calls: the attempt and its three retries), which go through once it is back, and
 * an e-mail to an address on `.invalid`, which never will. One screenshot waits on low_priority.
 */
async function seed(app: LeadgenApp): Promise<{ fixtures: LoadedFixtures; failed: readonly Envelope[] }> {
  await app.setup();
  const fixtures = await loadFixtures(app);
  await app.store.setOutage("ses", 4);
  await app.bus.dispatch(new SendEmailMessage(fixtures.offers.kavarna));
  await app.bus.dispatch(new SendEmailMessage(fixtures.failingInputs.undeliverableOfferId));
  await app.bus.dispatch(new TakeScreenshotMessage(fixtures.leads.kavarna, "https://kavarna-u-mostu.cz/"));
  await consume(app.messenger, ["high_priority"], { until: (c) => c.gaveUp === 2, timeoutMs: 20_000 });
  const receiver = app.messenger.getTransport("failed");
  if (!isListableReceiver(receiver)) throw new Error("failed cannot list its messages");
  return { fixtures, failed: await receiver.all() };
}

/** The id the failure transport gave the message: what the dashboard's rows and URLs carry. */
function transportIdOf(envelope: Envelope): string {
  const id = envelope.last(TransportMessageIdStamp)?.id;
  if (id === undefined) throw new Error("the failed envelope has no transport message id");
  return String(id);
}

async function count(page: Page, transport: string): Promise<string> {
  const row = page.locator(`[data-testid="transport-row"][data-transport="${transport}"]`);
  return (await row.getByTestId("count").first().textContent())?.trim() ?? "";
}

/**
 * Saves the page as docs/dashboard-<name>.png when asked. `above` cuts the page off at the top of
 * that element: the error stack names the files of the machine that ran the test.
 */
async function screenshot(page: Page, name: string, above?: string): Promise<void> {
  mkdirSync(DOCS, { recursive: true });
  const path = `${DOCS}dashboard-${name}.png`;
  if (above === undefined) {
    await page.screenshot({ path, fullPage: true });
    return;
  }
  const box = await page.locator(above).boundingBox();
  if (!box) throw new Error(`${above} is not on the page`);
  const width = page.viewportSize()?.width ?? 1280;
  await page.screenshot({ path, fullPage: true, clip: { x: 0, y: 0, width, height: Math.floor(box.y) } });
}

/**
 * The operator's walk through the dashboard of `app:serve`, in a real Chromium: the overview's
 * counts, a failed message's page, retry (the handler runs: the offer's e-mail is in the
 * database), remove, and a POST without the CSRF token refused.
 */
function walkThrough(
  backend: () => { app: LeadgenApp; env: Readonly<Record<string, string>> },
  options: { readonly screenshots: boolean },
) {
  const shoot = (page: Page, name: string, above?: string) =>
    SCREENSHOTS && options.screenshots ? screenshot(page, name, above) : Promise.resolve();
  let browser: Browser;
  let server: Served;
  let seeded: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    seeded = await seed(backend().app);
    server = await serve(backend().env);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the transports' counts, retries a failed message into its handler, removes another", async () => {
    const { app } = backend();
    const { fixtures, failed } = seeded;
    expect(failed).toHaveLength(2);
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/dashboard/`);
      expect(await count(page, "failed")).toBe("2");
      expect(await count(page, "low_priority")).toBe("1");
      expect(await count(page, "high_priority")).toBe("0");
      // The seed's worker recorded its failures with its heartbeats: the chart reads them back.
      await page.getByTestId("throughput-chart").waitFor();
      expect(await page.getByTestId("throughput-bar").count()).toBe(60);
      expect(Number(await page.getByTestId("failed-last-hour").textContent())).toBeGreaterThanOrEqual(2);
      await shoot(page, "overview");
      // LEADGEN_MESSAGE_HISTORY=1: every attempt of the seed's worker is in the history.
      await page.goto(`${server.url}/dashboard/history`);
      expect(await page.getByTestId("history-row").count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('[data-testid="history-row"][data-result="failed"]').count()).toBe(2);
      // The outage's first three attempts were retried.
      expect(await page.locator('[data-testid="history-row"][data-result="retried"]').count()).toBe(3);
      expect(await page.getByTestId("type-row").count()).toBeGreaterThan(0);
      await shoot(page, "history");
      // The screenshot waiting on low_priority, and the leadgen schedule app:serve was given.
      await page.goto(`${server.url}/dashboard/queues/low_priority`);
      expect(await page.getByTestId("queue-row").count()).toBe(1);
      expect(await page.getByTestId("queue-row").textContent()).toContain("TakeScreenshotMessage");
      await shoot(page, "queue");
      await page.goto(`${server.url}/dashboard/schedules`);
      expect(await page.locator('[data-testid="schedule"][data-schedule="leadgen"]').count()).toBe(1);
      expect(await page.getByTestId("recurring-message").count()).toBeGreaterThan(0);
      await shoot(page, "schedules");

      await page.goto(`${server.url}/dashboard/failed`);
      await expect.poll(() => page.getByTestId("failed-row").count()).toBe(2);
      await shoot(page, "failed");

      // The e-mail that failed during the outage: its page, then Retry.
      const retried = transportIdOf(
        failed.find((e) => (e.message as SendEmailMessage).offerId === fixtures.offers.kavarna)!,
      );
      await page
        .locator(`[data-testid="failed-row"][data-id="${retried}"] a[href$="/failed/failed/${retried}"]`)
        .first()
        .click();
      await page.waitForURL(`**/dashboard/failed/failed/${retried}`);
      expect(await page.getByTestId("message-body").textContent()).toMatch(
        new RegExp(`offerId\\W+${fixtures.offers.kavarna}\\b`),
      );
      expect(await page.getByTestId("error-message").textContent()).toContain("simulated outage");
      await shoot(page, "message", 'h2:has(+ [data-testid="error-stack"])');
      expect(await app.store.findEmailByOffer(fixtures.offers.kavarna)).toBeUndefined();
      await page.getByTestId("retry-button").click();
      await page.getByTestId("flash").waitFor();
      // SES answers again: the handler sent the e-mail and recorded it.
      await waitFor(
        async () => (await app.store.findEmailByOffer(fixtures.offers.kavarna)) !== undefined,
        20_000,
      );

      // The undeliverable one: removed for good.
      const removed = transportIdOf(
        failed.find(
          (e) => (e.message as SendEmailMessage).offerId === fixtures.failingInputs.undeliverableOfferId,
        )!,
      );
      await page.goto(`${server.url}/dashboard/failed/failed/${removed}`);
      await page.getByTestId("remove-button").click();
      await page.getByTestId("flash").waitFor();
      const receiver = app.messenger.getTransport("failed");
      if (!isListableReceiver(receiver)) throw new Error("failed cannot list its messages");
      expect(await receiver.all()).toEqual([]);

      await page.goto(`${server.url}/dashboard/`);
      expect(await count(page, "failed")).toBe("0");
      expect(await app.store.findEmailByOffer(fixtures.failingInputs.undeliverableOfferId)).toBeUndefined();
    } finally {
      await page.close();
    }
  }, 60_000);

  it("refuses a POST without the CSRF token (403) and leaves the message alone", async () => {
    const { app } = backend();
    await app.store.setOutage("ses", 4);
    await app.bus.dispatch(new SendEmailMessage(seeded.fixtures.offers.autoservis));
    await consume(app.messenger, ["high_priority"], { until: (c) => c.gaveUp === 1, timeoutMs: 20_000 });
    const receiver = app.messenger.getTransport("failed");
    if (!isListableReceiver(receiver)) throw new Error("failed cannot list its messages");
    // Found by its offer, so this test does not depend on what the one before left in failed.
    const offerId = seeded.fixtures.offers.autoservis;
    const envelope = (await receiver.all()).find((e) => (e.message as SendEmailMessage).offerId === offerId);
    if (!envelope) throw new Error(`no failed SendEmailMessage for offer ${offerId}`);
    const id = transportIdOf(envelope);
    const page = await browser.newPage();
    try {
      // The page's own form, submitted by the browser, less its hidden _csrf field: what a form on
      // another site posting here would send.
      await page.goto(`${server.url}/dashboard/failed/failed/${id}`);
      expect(await page.locator('input[name="_csrf"]').count()).toBeGreaterThan(0);
      await page.locator('input[name="_csrf"]').evaluateAll((inputs) => {
        for (const input of inputs) (input as unknown as { remove(): void }).remove();
      });
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.getByTestId("remove-button").click(),
      ]);
      const status = response.status();
      expect(status).toBe(403);
    } finally {
      await page.close();
    }
    expect((await receiver.all()).map(transportIdOf)).toContain(id);
  }, 60_000);
}

describe.skipIf(!browserUp || !pgUp)("the dashboard in Chromium: app:serve on PostgreSQL", () => {
  const schema = schemaFor("dashboard-browser");
  let app: LeadgenApp;
  const env = {
    DATABASE_URL: PG_URL,
    LEADGEN_DB_SCHEMA: schema,
    LEADGEN_DISCOVERY_CRON: "off",
    LEADGEN_LATENCY_MS: "0",
    LEADGEN_MESSAGE_HISTORY: "1",
  };
  beforeAll(async () => {
    await dropSchema(schema);
    app = await createLeadgenApp({
      env: {},
      databaseUrl: PG_URL,
      databaseSchema: schema,
      retryDelayScale: TEST_RETRY_DELAY_SCALE,
      latencyMs: 0,
      scheduleStore: null,
      messageHistory: true,
    });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
  });
  walkThrough(() => ({ app, env }), { screenshots: true });
});

describe.skipIf(!browserUp || !pgUp || !redisUp)("the dashboard in Chromium: app:serve on Redis", () => {
  // The queues on Redis streams under a prefix of this test; the domain data on PostgreSQL.
  const prefix = `leadgen-dashboard-${process.pid}:`;
  const dsn = `redis://${REDIS.host}:${REDIS.port}?prefix=${prefix}`;
  const schema = schemaFor("dashboard-browser-redis");
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  let app: LeadgenApp;
  const env = {
    DATABASE_URL: PG_URL,
    LEADGEN_DB_SCHEMA: schema,
    MESSENGER_TRANSPORT_DSN: dsn,
    LEADGEN_DISCOVERY_CRON: "off",
    LEADGEN_LATENCY_MS: "0",
    LEADGEN_MESSAGE_HISTORY: "1",
  };
  beforeAll(async () => {
    await dropSchema(schema);
    app = await createLeadgenApp({
      env: { MESSENGER_TRANSPORT_DSN: dsn },
      databaseUrl: PG_URL,
      databaseSchema: schema,
      retryDelayScale: TEST_RETRY_DELAY_SCALE,
      latencyMs: 0,
      scheduleStore: null,
      messageHistory: true,
    });
  });
  afterAll(async () => {
    await app?.close();
    await dropSchema(schema);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  walkThrough(() => ({ app, env }), { screenshots: false });
});

describe.skipIf(!browserUp || !pgUp)("the dashboard of app:serve with LEADGEN_DASHBOARD_TOKEN", () => {
  const token = "s3cret-for-the-test";
  const schema = schemaFor("dashboard-token");
  let server: Served;
  let browser: Browser;
  beforeAll(async () => {
    await dropSchema(schema);
    const app = await createLeadgenApp({
      env: {},
      databaseUrl: PG_URL,
      databaseSchema: schema,
      scheduleStore: null,
    });
    try {
      await app.setup();
    } finally {
      await app.close();
    }
    server = await serve({
      DATABASE_URL: PG_URL,
      LEADGEN_DB_SCHEMA: schema,
      LEADGEN_DISCOVERY_CRON: "off",
      LEADGEN_DASHBOARD_TOKEN: token,
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await dropSchema(schema);
  });

  it("refuses a browser without the token (401), lets it in with ?token= once, then by its cookie", async () => {
    expect(server.log()).toContain("token from LEADGEN_DASHBOARD_TOKEN");
    const page = await browser.newPage();
    try {
      expect((await page.goto(`${server.url}/dashboard/`))?.status()).toBe(401);
      expect((await page.goto(`${server.url}/dashboard/?token=wrong`))?.status()).toBe(401);
      expect((await page.goto(`${server.url}/dashboard/?token=${token}`))?.status()).toBe(200);
      // Redirected to the page without the token (out of the history and the address bar).
      expect(page.url()).toBe(`${server.url}/dashboard/`);
      expect(await page.getByTestId("transport-row").count()).toBeGreaterThan(0);
      expect((await page.goto(`${server.url}/dashboard/failed`))?.status()).toBe(200);
    } finally {
      await page.close();
    }
    // And a client without the browser's cookie: the Bearer header or nothing.
    expect((await fetch(`${server.url}/dashboard/`)).status).toBe(401);
    const bearer = await fetch(`${server.url}/dashboard/`, { headers: { Authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(200);
  }, 60_000);
});
