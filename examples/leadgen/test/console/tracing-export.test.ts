import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConsole } from "../support/console.js";

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT turns the trace export on: two bin/console processes (one queues a
 * message, one consumes it) export their spans over OTLP/HTTP to a collector stand-in this test
 * runs on loopback, and the spans form one trace across the two processes.
 */

interface OtlpSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly kind: number;
}

const directory = mkdtempSync(join(tmpdir(), "leadgen-otlp-"));
const env = { LEADGEN_SQLITE_PATH: join(directory, "leadgen.sqlite"), LEADGEN_LATENCY_MS: "0" };
const requests: { path: string; contentType: string; body: string }[] = [];
let server: Server;
let endpoint: string;

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Every span the stand-in received, with the service name of the process that sent it. */
function receivedSpans(): (OtlpSpan & { service: string })[] {
  const spans: (OtlpSpan & { service: string })[] = [];
  for (const request of requests) {
    const payload = JSON.parse(request.body) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: OtlpSpan[] }[];
      }[];
    };
    for (const resourceSpans of payload.resourceSpans) {
      const service =
        resourceSpans.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
      for (const scope of resourceSpans.scopeSpans)
        for (const span of scope.spans) spans.push({ ...span, service });
    }
  }
  return spans;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    requests.push({
      path: request.url ?? "",
      contentType: String(request.headers["content-type"]),
      body: await read(request),
    });
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const load = await runConsole(["app:fixtures:load"], env);
  expect(load.code).toBe(0);
}, 30_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
});

describe("OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("exports nothing while it is unset", async () => {
    const queued = await runConsole(["app:lead:analyze", "4", "--async"], env);
    expect(queued.code).toBe(0);
    const consumed = await runConsole(["messenger:consume", "normal", "--limit=1", "--time-limit=20"], env);
    expect(consumed.code).toBe(0);
    expect(requests).toEqual([]);
  }, 60_000);

  it("exports the producer's and the worker's spans as one trace", async () => {
    const traced = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: "leadgen-test" };
    const queued = await runConsole(["app:lead:analyze", "5", "--async"], traced);
    expect(queued.stderr).toContain("[OK] Dispatched 1 analysis");
    expect(queued.code).toBe(0);
    const consumed = await runConsole(
      ["messenger:consume", "normal", "--limit=1", "--time-limit=20"],
      traced,
    );
    expect(consumed.code).toBe(0);

    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.path).toBe("/v1/traces");
      expect(request.contentType).toContain("application/json");
    }
    const spans = receivedSpans();
    const named = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(
        found.map((s) => s.name),
        `"${name}" among ${spans.map((s) => s.name)}`,
      ).toEqual([name]);
      return found[0]!;
    };
    const send = named("send normal");
    const process = named("process normal");
    const handle = named("handle AnalyzeLeadHandler.handle");
    const dispatches = spans.filter((s) => s.name === "dispatch");
    const dispatch = dispatches.find((s) => s.spanId === send.parentSpanId);
    expect(dispatch, "the producer's dispatch, parent of its send").toBeDefined();
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(["leadgen-test"]));
    expect(process.parentSpanId).toBe(send.spanId);
    expect(handle.parentSpanId).toBe(process.spanId);
    // The analysis queues a screenshot from inside the handler: that dispatch nests under it.
    const followUp = named("send low_priority");
    expect(dispatches.find((s) => s.spanId === followUp.parentSpanId)?.parentSpanId).toBe(handle.spanId);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([send.traceId]));
  }, 60_000);
});
