import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { requireService } from "@messenger-ts/core/testing";
import { SpanKind } from "@opentelemetry/api";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

// Producer and worker are separate Node processes, each with its own SDK and in-memory exporter:
// the only thing joining their spans is the trace context the message carries through the broker.

const run = promisify(execFile);
const script = fileURLToPath(new URL("./fixtures/traced-process.mjs", import.meta.url));

interface ExportedSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
  links: string[];
  status: number;
}

async function spansOf(
  role: "producer" | "worker",
  dsn: string,
  factory: { module: string; exportName: string },
  failFirst = false,
) {
  const { stdout } = await run(
    process.execPath,
    [script, JSON.stringify({ role, dsn, factory, failFirst })],
    {
      timeout: 60_000,
    },
  );
  const line = stdout.split("\n").find((l) => l.startsWith("spans "));
  if (line === undefined) throw new Error(`The ${role} printed no spans:\n${stdout}`);
  return JSON.parse(line.slice("spans ".length)) as ExportedSpan[];
}

function one(spans: readonly ExportedSpan[], name: string): ExportedSpan {
  const found = spans.filter((s) => s.name === name);
  expect(
    found.map((s) => s.name),
    `spans named "${name}" among ${spans.map((s) => s.name)}`,
  ).toEqual([name]);
  return found[0]!;
}

function assertOneTrace(producer: ExportedSpan[], worker: ExportedSpan[], system: string) {
  const request = one(producer, "POST /leads");
  const dispatch = one(producer, "dispatch");
  const send = one(producer, "send leads");
  const process = one(worker, "process leads");
  const handle = one(worker, "handle importLead");
  const store = one(worker, "store lead");

  expect(new Set([...producer, ...worker].map((s) => s.traceId))).toEqual(new Set([request.traceId]));
  expect(request.parentSpanId).toBeNull();
  expect(dispatch.parentSpanId).toBe(request.spanId);
  expect(send.parentSpanId).toBe(dispatch.spanId);
  // Across the broker: the worker's process span is the child of the producer's send span.
  expect(process.parentSpanId).toBe(send.spanId);
  expect(handle.parentSpanId).toBe(process.spanId);
  expect(store.parentSpanId).toBe(handle.spanId);

  expect(send.kind).toBe(SpanKind.PRODUCER);
  expect(process.kind).toBe(SpanKind.CONSUMER);
  expect(process.links).toEqual([]);
  const id = send.attributes["messaging.message.id"];
  expect(id, `the ${system} transport's message id on the send span`).toEqual(expect.any(String));
  expect(process.attributes).toMatchObject({
    "messaging.system": "messenger-ts",
    "messaging.operation.type": "process",
    "messaging.destination.name": "leads",
    "messaging.message.id": id,
    "messenger.message.class": "ImportLead",
  });
}

/** The worker's first attempt fails: the retry starts a trace of its own, linked to the producer's send. */
function assertRetryLinked(producer: ExportedSpan[], worker: ExportedSpan[]) {
  const send = one(producer, "send leads");
  const processes = worker.filter((s) => s.name === "process leads");
  expect(processes).toHaveLength(2);
  const [first, retry] = processes as [ExportedSpan, ExportedSpan];
  expect(first.parentSpanId).toBe(send.spanId);
  expect(first.traceId).toBe(send.traceId);
  expect(first.status).toBe(2); // SpanStatusCode.ERROR
  expect(retry.parentSpanId).toBeNull();
  expect(retry.traceId).not.toBe(send.traceId);
  expect(retry.links).toEqual([send.spanId]);
  expect(retry.attributes["messenger.retry_count"]).toBe(1);
  expect(retry.status).not.toBe(2);
}

const pgUp = await requireService("PostgreSQL", { host: "127.0.0.1", port: 5432 });
const redisUp = await requireService("Redis", { host: "127.0.0.1", port: 6379 });

describe.skipIf(!pgUp)("one trace from producer to worker over PostgreSQL", () => {
  const schema = `mt_otel_trace_${process.pid}`;
  const admin = new pg.Pool({
    host: "127.0.0.1",
    port: 5432,
    user: process.env.PGUSER ?? "postgres",
    database: "test",
    max: 1,
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it("joins the worker's spans to the producer's trace", async () => {
    const dsn = `postgres://${process.env.PGUSER ?? "postgres"}@127.0.0.1:5432/test?schema=${schema}`;
    const factory = {
      module: fileURLToPath(import.meta.resolve("@messenger-ts/transport-postgres")),
      exportName: "PostgresTransportFactory",
    };
    const producer = await spansOf("producer", dsn, factory);
    const worker = await spansOf("worker", dsn, factory);
    assertOneTrace(producer, worker, "PostgreSQL");
  });

  it("links the retry of a failed message back to the producer's send", async () => {
    const dsn = `postgres://${process.env.PGUSER ?? "postgres"}@127.0.0.1:5432/test?schema=${schema}&queue_name=retry`;
    const factory = {
      module: fileURLToPath(import.meta.resolve("@messenger-ts/transport-postgres")),
      exportName: "PostgresTransportFactory",
    };
    const producer = await spansOf("producer", dsn, factory);
    const worker = await spansOf("worker", dsn, factory, true);
    assertRetryLinked(producer, worker);
  });
});

describe.skipIf(!redisUp)("one trace from producer to worker over Redis", () => {
  const prefix = `mt-test:otel-trace:${process.pid}:`;
  const admin = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true });
  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  it("joins the worker's spans to the producer's trace", async () => {
    const dsn = `redis://127.0.0.1:6379/leads?prefix=${encodeURIComponent(prefix)}`;
    const factory = {
      module: fileURLToPath(import.meta.resolve("@messenger-ts/transport-redis")),
      exportName: "RedisTransportFactory",
    };
    const producer = await spansOf("producer", dsn, factory);
    const worker = await spansOf("worker", dsn, factory);
    assertOneTrace(producer, worker, "Redis");
  });

  it("links the retry of a failed message back to the producer's send", async () => {
    const dsn = `redis://127.0.0.1:6379/leads_retry?prefix=${encodeURIComponent(prefix)}`;
    const factory = {
      module: fileURLToPath(import.meta.resolve("@messenger-ts/transport-redis")),
      exportName: "RedisTransportFactory",
    };
    const producer = await spansOf("producer", dsn, factory);
    const worker = await spansOf("worker", dsn, factory, true);
    assertRetryLinked(producer, worker);
  });
});
