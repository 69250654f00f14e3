import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AsMessage,
  createMessenger,
  createWorker,
  DEFAULT_BUS_NAME,
  defineHandler,
  type Messenger,
  WorkerRateLimitedEvent,
} from "@messenger-ts/core";
import { InMemoryTransportFactory } from "@messenger-ts/transport-memory";
import { afterEach, describe, expect, it } from "vitest";
import { MessengerMetrics } from "../../src/index.js";
import { createPrometheusEndpoint, type PrometheusEndpoint } from "../../src/prometheus.js";

@AsMessage("test.charge_card")
class ChargeCard {
  constructor(
    readonly orderId: string,
    readonly fail = false,
  ) {}
}

class Unrouted {}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

function setup(countFails = false): { messenger: Messenger; endpoint: PrometheusEndpoint; logs: string[] } {
  const logs: string[] = [];
  const logger = {
    debug: () => {},
    info: () => {},
    warn: (_: unknown, message: string) => logs.push(message),
    error: (_: unknown, message: string) => logs.push(message),
  };
  const endpoint = createPrometheusEndpoint({ logger });
  const messenger = createMessenger({
    transportFactories: [new InMemoryTransportFactory()],
    transports: {
      orders: { dsn: "in-memory://?serialize=true", retryStrategy: { maxRetries: 1, delay: 1, jitter: 0 } },
      failed: "in-memory://?serialize=true",
    },
    failureTransport: "failed",
    routing: { "test.charge_card": "orders" },
    buses: { [DEFAULT_BUS_NAME]: { middleware: [endpoint.metrics.middleware] } },
    handlers: [
      defineHandler(
        ChargeCard,
        (m) => {
          if (m.fail) throw new Error(`card of order ${m.orderId} declined`);
        },
        { name: "charge" },
      ),
      defineHandler(Unrouted, () => {}, { name: "unrouted" }),
    ],
    logger,
  });
  if (countFails) {
    const orders = messenger.getTransport("orders") as unknown as { getMessageCount(): Promise<number> };
    orders.getMessageCount = () => Promise.reject(new Error("database gone"));
  }
  endpoint.metrics.register(messenger);
  return { messenger, endpoint, logs };
}

async function scrape(endpoint: PrometheusEndpoint): Promise<string> {
  const server = createServer(endpoint.requestHandler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one sample, found by its name and labels (in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

const ORDERS = {
  messenger_message_type: "test.charge_card",
  messenger_transport: "orders",
  messenger_bus: DEFAULT_BUS_NAME,
};

describe("messenger metrics on the Prometheus endpoint", () => {
  it("counts dispatched, sent, received, handled, failed, retried and failure-transport messages", async () => {
    const { messenger, endpoint } = setup();
    await messenger.bus.dispatch(new ChargeCard("o-1"));
    await messenger.bus.dispatch(new ChargeCard("o-2"));
    await messenger.bus.dispatch(new ChargeCard("o-3", true));
    await messenger.bus.dispatch(new Unrouted());
    // 2 handled, then o-3 fails, is retried once, fails again and goes to the failure transport.
    await createWorker(messenger, { receivers: ["orders"], limit: 4, sleep: 1 }).run();

    const text = await scrape(endpoint);
    const type = { messenger_message_type: "test.charge_card", messenger_bus: DEFAULT_BUS_NAME };
    expect(sample(text, "messenger_messages_dispatched_total", type)).toBe(3);
    expect(sample(text, "messenger_messages_dispatched_total", { messenger_message_type: "Unrouted" })).toBe(
      1,
    );
    expect(sample(text, "messenger_messages_sent_total", ORDERS)).toBe(3);
    expect(sample(text, "messenger_messages_received_total", ORDERS)).toBe(4);
    expect(sample(text, "messenger_messages_handled_total", ORDERS)).toBe(2);
    expect(sample(text, "messenger_messages_failed_total", ORDERS)).toBe(2);
    expect(sample(text, "messenger_messages_retried_total", ORDERS)).toBe(1);
    expect(
      sample(text, "messenger_messages_sent_to_failure_transport_total", {
        ...ORDERS,
        messenger_failure_transport: "failed",
      }),
    ).toBe(1);
    expect(
      sample(text, "messenger_message_handling_duration_count", {
        ...ORDERS,
        messenger_outcome: "handled",
      }),
    ).toBe(2);
    expect(
      sample(text, "messenger_message_handling_duration_count", {
        ...ORDERS,
        messenger_outcome: "failed",
      }),
    ).toBe(2);
    // First deliveries only: three, not the retry.
    expect(sample(text, "messenger_message_send_to_handle_duration_count", ORDERS)).toBe(3);
    expect(sample(text, "messenger_transport_messages", { messenger_transport: "orders" })).toBe(0);
    expect(sample(text, "messenger_failure_transport_messages", { messenger_transport: "failed" })).toBe(1);
    expect(sample(text, "messenger_workers_running")).toBe(0);
    // Ids never become labels.
    expect(text).not.toContain("o-3");
  });

  it("counts the rate limiter's waits and their total time per transport", async () => {
    const { messenger, endpoint } = setup();
    await messenger.events.dispatch(new WorkerRateLimitedEvent("orders", 1500));
    await messenger.events.dispatch(new WorkerRateLimitedEvent("orders", 500));
    const text = await scrape(endpoint);
    const orders = { messenger_transport: "orders" };
    expect(sample(text, "messenger_worker_rate_limiter_waits_total", orders)).toBe(2);
    expect(sample(text, "messenger_worker_rate_limiter_wait_duration_total", orders)).toBe(2);
  });

  it("counts a transport at most once per cache period, whatever the number of scrapes", async () => {
    const { messenger, endpoint } = setup();
    const orders = messenger.getTransport("orders") as unknown as { getMessageCount(): Promise<number> };
    const count = orders.getMessageCount.bind(orders);
    let queries = 0;
    orders.getMessageCount = () => {
      queries++;
      return count();
    };
    await messenger.bus.dispatch(new ChargeCard("o-1"));
    expect(
      sample(await scrape(endpoint), "messenger_transport_messages", { messenger_transport: "orders" }),
    ).toBe(1);
    await messenger.bus.dispatch(new ChargeCard("o-2"));
    // Cached: still 1, and no second query.
    expect(
      sample(await scrape(endpoint), "messenger_transport_messages", { messenger_transport: "orders" }),
    ).toBe(1);
    expect(queries).toBe(1);
  });

  it("skips and logs a gauge whose count fails; the scrape and the handling go on", async () => {
    const { messenger, endpoint, logs } = setup(true);
    await messenger.bus.dispatch(new ChargeCard("o-1"));
    await createWorker(messenger, { receivers: ["orders"], limit: 1, sleep: 1 }).run();
    const text = await scrape(endpoint);
    expect(sample(text, "messenger_transport_messages", { messenger_transport: "orders" })).toBeUndefined();
    expect(sample(text, "messenger_failure_transport_messages", { messenger_transport: "failed" })).toBe(0);
    expect(sample(text, "messenger_messages_handled_total", ORDERS)).toBe(1);
    expect(logs).toContain(
      'Metrics: could not count the messages of transport "orders"; the gauge is skipped until a count succeeds.',
    );
  });
});

describe("MessengerMetrics options", () => {
  it.each([
    ["countCacheTtl", -1],
    ["countTimeout", 1.5],
    ["countCacheTtl", Number.NaN],
  ] as const)("refuses %s = %s, naming the option and the value", (name, value) => {
    expect(() => new MessengerMetrics({ [name]: value })).toThrowError(
      `Metrics option "${name}" must be a whole number of milliseconds >= 0, got ${String(value)}.`,
    );
  });
});
