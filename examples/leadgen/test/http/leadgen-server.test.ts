import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DelayStamp, Envelope, isListableReceiver, TransportMessageIdStamp } from "@messenger-ts/core";
import { FakeClock } from "@messenger-ts/core/testing";
import { createDashboard } from "@messenger-ts/dashboard";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLeadgenApp,
  createLeadgenServer,
  GenerateProposalMessage,
  type HealthThresholds,
  type LeadgenApp,
  loadFixtures,
  ProcessSesWebhookMessage,
  SendEmailMessage,
} from "../../src/index.js";

/**
 * The HTTP endpoints on a real server (node:http, an ephemeral port) over the application on an
 * SQLite file: the 202s and where the messages went, the 400s and what they say, and /health
 * turning 503 at each threshold.
 */
const directory = mkdtempSync(join(tmpdir(), "leadgen-http-"));
const clock = new FakeClock(Date.UTC(2024, 0, 1));
let app: LeadgenApp;
const servers: Server[] = [];

beforeAll(async () => {
  app = await createLeadgenApp({
    env: {},
    sqlitePath: join(directory, "leadgen.sqlite"),
    latencyMs: 0,
    scheduleStore: null,
    clock,
  });
  await app.setup();
  await loadFixtures(app);
});

afterAll(async () => {
  for (const server of servers) server.close();
  await app?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** A server on its own port; `thresholds` as `app:serve --max-*` gives them. */
async function serve(thresholds: Partial<HealthThresholds> = {}): Promise<string> {
  const server = createLeadgenServer(app, { thresholds, env: {} });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function request(url: string, init?: { method?: string; body?: string }) {
  const response = await fetch(url, init);
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

async function queued(transport: string): Promise<readonly Envelope[]> {
  const receiver = app.messenger.getTransport(transport);
  if (!isListableReceiver(receiver)) throw new Error(`${transport} cannot list`);
  return receiver.all();
}

/** The SES webhook answers 400 with this code and message, and queues nothing. */
async function expectWebhookRefused(body: string, code: string, message: string): Promise<void> {
  await emptyQueues();
  const base = await serve();
  const response = await request(`${base}/webhooks/ses`, { method: "POST", body });
  expect(response.status).toBe(400);
  expect(response.body.error.code).toBe(code);
  expect(response.body.error.message).toContain(message);
  expect(await queued("high_priority")).toEqual([]);
}

async function emptyQueues(): Promise<void> {
  for (const name of ["high_priority", "normal", "low_priority", "failed"]) {
    const receiver = app.messenger.getTransport(name);
    if (!isListableReceiver(receiver)) continue;
    for (const envelope of await receiver.all()) await receiver.reject(envelope);
  }
}

const delivery = {
  notificationType: "Delivery",
  mail: { messageId: "0100018c-delivered", destination: ["info@kavarna-u-mostu.cz"] },
  delivery: { recipients: ["info@kavarna-u-mostu.cz"], smtpResponse: "250 OK" },
};

describe("POST /webhooks/ses", () => {
  it("queues the notification on high_priority and answers 202 with the message's id", async () => {
    await emptyQueues();
    const base = await serve();
    const raw = await request(`${base}/webhooks/ses`, { method: "POST", body: JSON.stringify(delivery) });
    // SNS posts the notification as text inside its own envelope (and as text/plain).
    const viaSns = await request(`${base}/webhooks/ses`, {
      method: "POST",
      body: JSON.stringify({ Type: "Notification", MessageId: "sns-1", Message: JSON.stringify(delivery) }),
    });
    expect(raw.status).toBe(202);
    expect(raw.body).toEqual({
      status: "accepted",
      message: "ProcessSesWebhookMessage",
      transport: "high_priority",
      id: expect.any(Number),
    });
    expect(viaSns.status).toBe(202);
    const high = await queued("high_priority");
    expect(high.map((e) => e.message)).toEqual([
      new ProcessSesWebhookMessage(delivery),
      new ProcessSesWebhookMessage(delivery),
    ]);
    expect(high.map((e) => e.last(TransportMessageIdStamp)?.id)).toEqual([raw.body.id, viaSns.body.id]);
  });

  it.each([
    ["not JSON", "{nope", "INVALID_JSON", "not valid JSON"],
    ["empty", "", "EMPTY_BODY", "empty"],
    ["an array", "[]", "INVALID_SES_PAYLOAD", "got an array"],
    [
      "an unknown notification type",
      JSON.stringify({ ...delivery, notificationType: "Open" }),
      "UNSUPPORTED_NOTIFICATION_TYPE",
      'notificationType "Open" is not supported; expected one of: Delivery, Bounce, Complaint',
    ],
    [
      "no mail.messageId",
      JSON.stringify({ notificationType: "Delivery", mail: {} }),
      "INVALID_SES_PAYLOAD",
      "mail.messageId is missing",
    ],
    [
      "a bounce without recipients",
      JSON.stringify({
        notificationType: "Bounce",
        mail: { messageId: "x" },
        bounce: { bounceType: "Permanent" },
      }),
      "INVALID_SES_PAYLOAD",
      "bounce.bouncedRecipients",
    ],
    [
      "an SNS subscription confirmation",
      JSON.stringify({ Type: "SubscriptionConfirmation", SubscribeURL: "https://sns.example/confirm" }),
      "UNSUPPORTED_SNS_MESSAGE",
      'SNS message type "SubscriptionConfirmation" is not handled here',
    ],
  ])("400 for %s, naming what is wrong, and nothing queued", async (_case, body, code, message) => {
    await expectWebhookRefused(body, code, message);
  });
});

describe("POST /proposals (the controller the seed left synchronous)", () => {
  it("dispatches GenerateProposalMessage to normal and answers 202 with the message id", async () => {
    await emptyQueues();
    const base = await serve();
    const response = await request(`${base}/proposals`, {
      method: "POST",
      body: JSON.stringify({ leadId: 2, userId: 1, proposalType: "seo", analysisId: 2 }),
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ message: "GenerateProposalMessage", transport: "normal" });
    const receiver = app.messenger.getTransport("normal");
    if (!isListableReceiver(receiver)) throw new Error("normal cannot list");
    expect((await receiver.find(response.body.id))?.message).toEqual(
      new GenerateProposalMessage(2, 1, "seo", 2),
    );
    // Nothing was generated in the request: only lead 2's fixture proposal exists.
    expect((await app.store.latestProposal(2))?.type).toBe("seo");
    expect((await app.store.latestProposal(2))?.title).not.toContain("Search visibility");
  });

  it.each([
    [{ userId: 1 }, "leadId null is not an id"],
    [{ leadId: 1.5, userId: 1 }, "leadId 1.5 is not an id"],
    [{ leadId: 1, userId: "1" }, 'userId "1" is not an id'],
    [
      { leadId: 1, userId: 1, proposalType: "brochure" },
      'proposalType "brochure" is not allowed; use one of: redesign, new_website, eshop, seo',
    ],
    [{ leadId: 1, userId: 1, lead: 1 }, 'Unknown field "lead"'],
  ])("400 for %j", async (body, message) => {
    const base = await serve();
    const response = await request(`${base}/proposals`, { method: "POST", body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "INVALID_PROPOSAL_REQUEST" });
    expect(response.body.error.message).toContain(message);
  });

  it("404 for an unknown path, 405 (with Allow) for a wrong method", async () => {
    const base = await serve();
    const missing = await request(`${base}/offers`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("NOT_FOUND");
    const wrong = await request(`${base}/proposals`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });
});

describe("GET /metrics", () => {
  it("answers the messenger metrics in the Prometheus text format, counting what was dispatched", async () => {
    const base = await serve();
    await request(`${base}/proposals`, {
      method: "POST",
      body: JSON.stringify({ leadId: 1, userId: 1, proposalType: "redesign" }),
    });
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(
      /^messenger_messages_sent_total\{messenger_message_type="leadgen\.generate_proposal",messenger_bus="messenger\.bus\.default",messenger_transport="normal"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^messenger_transport_messages\{messenger_transport="normal"\} \d+$/m);
    expect(text).toMatch(/^messenger_failure_transport_messages\{messenger_transport="failed"\} \d+$/m);
  });

  it("is listed by the 404 of an unknown path", async () => {
    const base = await serve();
    const missing = await request(`${base}/nope`);
    expect(missing.body.error.message).toContain("/metrics");
  });
});

describe("GET /health", () => {
  it("200 with each queue's depth and oldest waiting age, and the failed count", async () => {
    await emptyQueues();
    const base = await serve();
    await app.bus.dispatch(new SendEmailMessage(1));
    await clock.advance(90_000);
    await app.bus.dispatch(new GenerateProposalMessage(1, 1, "seo"));
    const response = await request(`${base}/health`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: "ok",
      transports: {
        high_priority: { depth: 1, oldestWaitingSeconds: 90 },
        normal: { depth: 1, oldestWaitingSeconds: 0 },
        low_priority: { depth: 0, oldestWaitingSeconds: null },
      },
      failed: 0,
      thresholds: { maxDepth: 1000, maxOldestAgeSeconds: 300, maxFailed: 50 },
      problems: [],
    });
  });

  it("503 when the oldest waiting message is older than the threshold", async () => {
    await emptyQueues();
    const base = await serve({ maxOldestAgeSeconds: 60 });
    await app.bus.dispatch(new SendEmailMessage(1));
    await clock.advance(61_000);
    const response = await request(`${base}/health`);
    expect(response.status).toBe(503);
    expect(response.body.status).toBe("unhealthy");
    expect(response.body.problems).toEqual([
      "high_priority: the oldest message has waited 61 s (more than 60 s)",
    ]);
  });

  it("503 when a queue is deeper than the threshold", async () => {
    await emptyQueues();
    const base = await serve({ maxDepth: 2 });
    for (const lead of [1, 2, 3]) await app.bus.dispatch(new GenerateProposalMessage(lead, 1, "seo"));
    const response = await request(`${base}/health`);
    expect(response.status).toBe(503);
    expect(response.body.problems).toEqual(["normal holds 3 messages (more than 2)"]);
  });

  it("503 when the failure transport holds more than the threshold", async () => {
    await emptyQueues();
    // Delayed, as a message retried from the failure transport and failed again waits there: counted too.
    await app.messenger
      .getTransport("failed")
      .send(Envelope.wrap(new SendEmailMessage(3), [new DelayStamp(3_600_000)]));
    const healthy = await request(`${await serve({ maxFailed: 1 })}/health`);
    expect(healthy.status).toBe(200);
    expect(healthy.body.failed).toBe(1);
    const response = await request(`${await serve({ maxFailed: 0 })}/health`);
    expect(response.status).toBe(503);
    expect(response.body.problems).toEqual(["failed holds 1 message (more than 0)"]);
  });
});

describe("bodies the serializer would refuse", () => {
  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

  it.each([
    [
      "__proto__",
      `{"notificationType":"Delivery","mail":{"messageId":"x","__proto__":{"polluted":1}}}`,
      "FORBIDDEN_JSON_KEY",
      '"__proto__" at $.mail.__proto__',
    ],
    [
      "constructor in an SNS Message",
      JSON.stringify({ Type: "Notification", Message: '{"constructor":1}' }),
      "FORBIDDEN_JSON_KEY",
      '"constructor"',
    ],
    [
      "nesting deeper than 512",
      `{"notificationType":"Delivery","mail":{"messageId":"x"},"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      "JSON_TOO_DEEP",
      "deeper than 500 levels",
    ],
    [
      "nesting just too deep to dispatch",
      `{"notificationType":"Delivery","mail":{"messageId":"x"},"x":${deep(505)}}`,
      "JSON_TOO_DEEP",
      "deeper than 500 levels",
    ],
    [
      "1e400",
      `{"notificationType":"Delivery","mail":{"messageId":"x"},"delivery":{"n":1e400}}`,
      "NUMBER_OUT_OF_RANGE",
      "$.delivery.n",
    ],
  ])("400 for %s, and nothing queued", async (_case, body, code, message) => {
    await expectWebhookRefused(body, code, message);
  });

  it("400 for those in a proposal request too", async () => {
    const base = await serve();
    const response = await request(`${base}/proposals`, { method: "POST", body: `{"leadId":1e400}` });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("NUMBER_OUT_OF_RANGE");
  });
});

describe("the dashboard under /dashboard", () => {
  async function serveWithDashboard(): Promise<string> {
    const dashboard = createDashboard({ messenger: app.messenger, basePath: "/dashboard", localOnly: true });
    const server = createLeadgenServer(app, { env: {}, dashboard });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("hands it every request under /dashboard, and only those", async () => {
    const base = await serveWithDashboard();
    for (const path of ["/dashboard", "/dashboard/", "/dashboard/failed", "/dashboard/schedules"]) {
      const response = await fetch(`${base}${path}`);
      expect({ path, status: response.status, type: response.headers.get("content-type") }).toEqual({
        path,
        status: 200,
        type: "text/html; charset=utf-8",
      });
    }
    // Its own 404 (HTML) below the mount; the application's JSON one beside it.
    const inside = await fetch(`${base}/dashboard/nothing-here`);
    expect(inside.status).toBe(404);
    expect(inside.headers.get("content-type")).toContain("text/html");
    const beside = await request(`${base}/dashboardx`);
    expect(beside.status).toBe(404);
    expect(beside.body.error.message).toBe(
      "No route for /dashboardx; routes: /webhooks/ses, /proposals, /health, /metrics, /dashboard.",
    );
  });

  it("is a 404 without the option", async () => {
    const base = await serve();
    const response = await request(`${base}/dashboard/`);
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe(
      "No route for /dashboard/; routes: /webhooks/ses, /proposals, /health, /metrics.",
    );
  });
});
