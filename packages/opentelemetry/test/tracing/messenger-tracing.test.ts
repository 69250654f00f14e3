import {
  AsMessage,
  createMessenger,
  createWorker,
  defineHandler,
  Envelope,
  type Messenger,
  TraceContextStamp,
} from "@messenger-ts/core";
import { InMemoryTransportFactory } from "@messenger-ts/transport-memory";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { messengerTracing } from "../../src/index.js";
import { inMemoryTracing, parentOf, spanNamed } from "./tracing-support.js";

class SignUp {
  constructor(readonly email: string) {}
}
class Welcome {
  constructor(readonly email: string) {}
}
AsMessage("otel_test.sign_up")(SignUp);
AsMessage("otel_test.welcome")(Welcome);

function setup(options: { handler?: (m: SignUp) => unknown; maxRetries?: number; global?: boolean } = {}) {
  const { provider, exporter } = inMemoryTracing();
  const tracer = provider.getTracer("test");
  const handled: string[] = [];
  const messenger: Messenger = createMessenger({
    transportFactories: [new InMemoryTransportFactory()],
    transports: {
      // serialize=true: the trace context must survive the wire, as on a real transport.
      async: {
        dsn: "in-memory://?serialize=true",
        retryStrategy: { maxRetries: options.maxRetries ?? 0, delay: 1 },
      },
      failed: "in-memory://?serialize=true",
    },
    failureTransport: "failed",
    routing: { [SignUp.name]: "async" },
    handlers: [
      defineHandler(
        SignUp,
        async (m: SignUp) => {
          // A user span inside the handler nests under the handler's span.
          await tracer.startActiveSpan("user work", async (span) => {
            handled.push(m.email);
            span.end();
          });
          return options.handler?.(m);
        },
        { name: "signUp" },
      ),
      defineHandler(Welcome, () => "welcomed", { name: "welcome" }),
    ],
    instrumentation: messengerTracing(options.global ? {} : { tracerProvider: provider }),
  });
  return { messenger, exporter, provider, handled };
}

afterEach(() => {
  trace.disable();
});

describe("messengerTracing", () => {
  it("links dispatch -> send -> process -> handle -> user span in one trace, with the messaging attributes", async () => {
    const { messenger, exporter, handled } = setup();
    const sent = await messenger.bus.dispatch(new SignUp("a@example.com"));
    expect(sent.last(TraceContextStamp)?.isValid()).toBe(true);
    await createWorker(messenger, { receivers: ["async"], limit: 1 }).run();
    expect(handled).toEqual(["a@example.com"]);

    const spans = exporter.getFinishedSpans();
    const dispatch = spanNamed(spans, "dispatch");
    const send = spanNamed(spans, "send async");
    const process = spanNamed(spans, "process async");
    const handle = spanNamed(spans, "handle signUp");
    const user = spanNamed(spans, "user work");
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(parentOf(dispatch)).toBeUndefined();
    expect(parentOf(send)).toBe(dispatch.spanContext().spanId);
    expect(parentOf(process)).toBe(send.spanContext().spanId);
    expect(parentOf(handle)).toBe(process.spanContext().spanId);
    expect(parentOf(user)).toBe(handle.spanContext().spanId);

    expect(dispatch.kind).toBe(SpanKind.INTERNAL);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(handle.kind).toBe(SpanKind.INTERNAL);
    expect(dispatch.attributes).toMatchObject({
      "messaging.system": "messenger-ts",
      "messaging.operation.name": "dispatch",
      "messenger.message.class": "SignUp",
      "messenger.bus.name": "messenger.bus.default",
    });
    expect(send.attributes).toMatchObject({
      "messaging.system": "messenger-ts",
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.destination.name": "async",
      "messenger.message.class": "SignUp",
    });
    expect(send.attributes["messaging.message.id"]).toEqual(expect.any(String));
    expect(process.attributes).toMatchObject({
      "messaging.operation.type": "process",
      "messaging.destination.name": "async",
      "messaging.message.id": send.attributes["messaging.message.id"],
      "messenger.bus.name": "messenger.bus.default",
    });
    expect(process.links).toEqual([]);
    expect(handle.attributes).toMatchObject({
      "messenger.handler.name": "signUp",
      "messenger.message.class": "SignUp",
    });
    expect(process.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("records a handler's error on the handle and process spans", async () => {
    const { messenger, exporter } = setup({
      handler: () => {
        throw new Error("mailbox full");
      },
    });
    await messenger.bus.dispatch(new SignUp("b@example.com"));
    await createWorker(messenger, { receivers: ["async"], limit: 1 }).run();
    const spans = exporter.getFinishedSpans();
    for (const name of ["handle signUp", "process async"]) {
      const span = spanNamed(spans, name);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.status.message).toMatch(/mailbox full/);
      expect(span.events.some((e) => e.name === "exception")).toBe(true);
    }
  });

  it("gives a retry and a message from the failure transport a new trace linked to the producer's send", async () => {
    let calls = 0;
    const { messenger, exporter } = setup({
      maxRetries: 1,
      handler: () => {
        calls++;
        throw new Error(`attempt ${calls}`);
      },
    });
    await messenger.bus.dispatch(new SignUp("c@example.com"));
    const worker = () => createWorker(messenger, { receivers: ["async"], limit: 1 }).run();
    await worker(); // first attempt: fails, retried
    await worker(); // the retry: fails, to the failure transport
    calls = -100; // the failure transport's attempt succeeds
    await createWorker(messenger, { receivers: ["failed"], limit: 1 }).run();

    const spans = exporter.getFinishedSpans();
    const send = spanNamed(spans, "send async");
    const processes = spans.filter((s) => s.name === "process async");
    expect(processes).toHaveLength(2);
    const [first, retry] = processes;
    expect(parentOf(first!)).toBe(send.spanContext().spanId);
    expect(parentOf(retry!)).toBeUndefined();
    expect(retry!.spanContext().traceId).not.toBe(send.spanContext().traceId);
    expect(retry!.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
    expect(retry!.attributes["messenger.retry_count"]).toBe(1);
    const fromFailure = spanNamed(spans, "process failed");
    expect(parentOf(fromFailure)).toBeUndefined();
    expect(fromFailure.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
  });

  it("starts a new root span for a malformed trace context, and handles the message", async () => {
    const { messenger, exporter, handled } = setup();
    const transport = messenger.getTransport("async");
    for (const traceparent of ["garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", ""]) {
      await transport.send(
        Envelope.wrap(new SignUp(traceparent || "empty"), [new TraceContextStamp(traceparent, "=,=")]),
      );
    }
    await createWorker(messenger, { receivers: ["async"], limit: 3 }).run();
    expect(handled).toHaveLength(3);
    const processes = exporter.getFinishedSpans().filter((s) => s.name === "process async");
    expect(processes).toHaveLength(3);
    for (const span of processes) {
      expect(parentOf(span)).toBeUndefined();
      expect(span.links).toEqual([]);
    }
  });

  it("traces a synchronous dispatch: dispatch -> handle, no send", async () => {
    const { messenger, exporter } = setup();
    await messenger.bus.dispatch(new Welcome("d@example.com"));
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(["dispatch", "handle welcome"]);
    expect(parentOf(spanNamed(spans, "handle welcome"))).toBe(
      spanNamed(spans, "dispatch").spanContext().spanId,
    );
  });

  it("records nothing and adds no stamp while no tracer provider is registered, and follows one registered later", async () => {
    const { messenger, exporter, provider } = setup({ global: true });
    const tracing = messengerTracing();
    expect(tracing.active()).toBe(false);
    const before = await messenger.bus.dispatch(new SignUp("e@example.com"));
    expect(before.has(TraceContextStamp)).toBe(false);
    expect(exporter.getFinishedSpans().filter((s) => s.name !== "user work")).toEqual([]);

    trace.setGlobalTracerProvider(provider);
    expect(tracing.active()).toBe(true);
    const after = await messenger.bus.dispatch(new SignUp("f@example.com"));
    expect(after.has(TraceContextStamp)).toBe(true);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toContain("send async");
  });
});
