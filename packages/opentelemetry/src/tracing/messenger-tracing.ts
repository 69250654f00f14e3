import {
  type ApplicationDispatchShortcut,
  applicationDispatchShortcut,
  BusNameStamp,
  type Envelope,
  type MessengerInstrumentation,
  type Middleware,
  ReceivedStamp,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  type Stack,
  TraceContextStamp,
  TransportMessageIdStamp,
} from "@messenger-ts/core";
import {
  type Attributes,
  type Context,
  context,
  type Link,
  ProxyTracerProvider,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { spanContextOf, traceContextStampOf } from "./trace-context.js";
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_MESSENGER_BUS_NAME,
  ATTR_MESSENGER_HANDLER_NAME,
  ATTR_MESSENGER_MESSAGE_CLASS,
  ATTR_MESSENGER_RETRY_COUNT,
  MESSAGING_SYSTEM,
} from "./tracing-attributes.js";

/** The instrumentation scope of every span. */
export const TRACER_NAME = "@messenger-ts/opentelemetry";

export interface MessengerTracingOptions {
  /**
   * Where the spans go. @defaultValue the global tracer provider (`trace.getTracerProvider()`):
   * an SDK registered after `messengerTracing()` is called is followed too (through the API's
   * global proxy), but not one registered after `trace.disable()`.
   */
  readonly tracerProvider?: TracerProvider;
}

// The global proxy hands out this delegate while no SDK registered a provider.
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Spans for a messenger, following the OpenTelemetry messaging semantic conventions: `dispatch`
 * around every application dispatch, `send <transport>` around each send, `process <transport>`
 * around the handling of a received message (a child of the producer's send span, found in the
 * message's {@link TraceContextStamp}), and `handle <handler>` around each handler call, in whose
 * context the handler runs. Give the result as `instrumentation` to `createMessenger`.
 *
 * While no tracer provider is registered, it records nothing and the bus keeps its direct-call path.
 */
export function messengerTracing(options: MessengerTracingOptions = {}): MessengerInstrumentation {
  return new MessengerTracing(options.tracerProvider);
}

class MessengerTracing implements MessengerInstrumentation {
  readonly middleware: Middleware;
  readonly #provider: TracerProvider;
  /** The API's global proxy, whose delegate stays the no-op one until an SDK registers. */
  readonly #globalProxy: ProxyTracerProvider | null;
  #tracer: Tracer | undefined;

  constructor(provider: TracerProvider | undefined) {
    // Read once: reading the global on every message costs more than the rest of the idle path.
    // The API registers this very proxy when an SDK sets its provider later, so it stays current.
    this.#provider = provider ?? trace.getTracerProvider();
    this.#globalProxy =
      provider === undefined && this.#provider instanceof ProxyTracerProvider ? this.#provider : null;
    const proxy = this.#globalProxy;
    this.inactive = proxy === null ? () => false : () => proxy.getDelegate() === NOOP_TRACER_PROVIDER;
    this.middleware = new TracingMiddleware(this);
  }

  active(): boolean {
    return this.#globalProxy === null || this.#globalProxy.getDelegate() !== NOOP_TRACER_PROVIDER;
  }

  /**
   * The bus asks this on every application dispatch: one closure with the proxy captured, no
   * method hop, as the idle path is otherwise nothing but this check.
   */
  readonly inactive: () => boolean;

  get tracer(): Tracer {
    // The proxy's tracer follows a provider registered later, so one lookup is enough.
    this.#tracer ??= this.#provider.getTracer(TRACER_NAME);
    return this.#tracer;
  }

  send(
    envelope: Envelope,
    transportName: string,
    send: (envelope: Envelope) => Promise<Envelope>,
  ): Promise<Envelope> {
    const parent = context.active();
    const span = this.tracer.startSpan(
      `send ${transportName}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          ...messageAttributes(envelope, "send", "send"),
          [ATTR_MESSAGING_DESTINATION_NAME]: transportName,
        },
      },
      parent,
    );
    // Each transport's copy carries its own send span as the worker's parent.
    const stamp = traceContextStampOf(span.spanContext());
    const stamped = stamp ? envelope.withoutAll(TraceContextStamp).with(stamp) : envelope;
    return runInSpan(
      span,
      trace.setSpan(parent, span),
      () => send(stamped),
      (sent) => {
        const id = sent.last(TransportMessageIdStamp)?.id;
        if (id !== undefined) span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, String(id));
      },
    ) as Promise<Envelope>;
  }

  handle(envelope: Envelope, handlerName: string, call: () => unknown): unknown {
    const parent = context.active();
    const span = this.tracer.startSpan(
      `handle ${handlerName}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [ATTR_MESSENGER_HANDLER_NAME]: handlerName,
          [ATTR_MESSENGER_MESSAGE_CLASS]: messageClass(envelope),
        },
      },
      parent,
    );
    return runInSpan(span, trace.setSpan(parent, span), call);
  }

  /** `dispatch` around an application dispatch. */
  dispatch(envelope: Envelope, stack: Stack): Promise<Envelope> {
    const parent = context.active();
    const span = this.tracer.startSpan(
      "dispatch",
      { kind: SpanKind.INTERNAL, attributes: messageAttributes(envelope, undefined, "dispatch") },
      parent,
    );
    return runInSpan(
      span,
      trace.setSpan(parent, span),
      () => stack.next().handle(envelope, stack),
      (done) => setBus(span, done),
    ) as Promise<Envelope>;
  }

  /**
   * `process <transport>` around a received message. The first delivery is a child of the
   * producer's send span; a retry or a message from the failure transport starts a trace of its
   * own with a link to that span, so one trace does not grow with every attempt.
   */
  process(envelope: Envelope, transportName: string, stack: Stack): Promise<Envelope> {
    const remote = spanContextOf(envelope.last(TraceContextStamp));
    const retryCount = RedeliveryStamp.getRetryCountFromEnvelope(envelope);
    const again = retryCount > 0 || envelope.has(SentToFailureTransportStamp);
    const attributes: Attributes = {
      ...messageAttributes(envelope, "process", "process"),
      [ATTR_MESSAGING_DESTINATION_NAME]: transportName,
    };
    if (retryCount > 0) attributes[ATTR_MESSENGER_RETRY_COUNT] = retryCount;
    const busName = envelope.last(BusNameStamp)?.busName;
    if (busName !== undefined) attributes[ATTR_MESSENGER_BUS_NAME] = busName;
    const links: Link[] = remote !== null && again ? [{ context: remote }] : [];
    const parent = parentContext(remote !== null && !again ? remote : null);
    const span = this.tracer.startSpan(
      `process ${transportName}`,
      { kind: SpanKind.CONSUMER, attributes, links, root: remote === null || again },
      parent,
    );
    return runInSpan(span, trace.setSpan(parent, span), () =>
      stack.next().handle(envelope, stack),
    ) as Promise<Envelope>;
  }
}

/** First on every bus: picks the dispatch or the process span. */
class TracingMiddleware implements Middleware {
  // Inactive, it only hands the envelope on, so the bus may skip it and keep its direct calls.
  readonly [applicationDispatchShortcut]: ApplicationDispatchShortcut;

  constructor(private readonly tracing: MessengerTracing) {
    this[applicationDispatchShortcut] = { enabled: tracing.inactive, skippable: true };
  }

  handle(envelope: Envelope, stack: Stack): Promise<Envelope> {
    if (!this.tracing.active()) return stack.next().handle(envelope, stack);
    const received = envelope.last(ReceivedStamp);
    return received
      ? this.tracing.process(envelope, received.transportName, stack)
      : this.tracing.dispatch(envelope, stack);
  }
}

function parentContext(remote: SpanContext | null): Context {
  return remote === null ? context.active() : trace.setSpanContext(context.active(), remote);
}

function messageClass(envelope: Envelope): string {
  return (envelope.message as { constructor?: { name?: string } }).constructor?.name || "Object";
}

function messageAttributes(envelope: Envelope, type: string | undefined, name: string): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM,
    [ATTR_MESSAGING_OPERATION_NAME]: name,
    [ATTR_MESSENGER_MESSAGE_CLASS]: messageClass(envelope),
  };
  if (type !== undefined) attributes[ATTR_MESSAGING_OPERATION_TYPE] = type;
  const id = envelope.last(TransportMessageIdStamp)?.id;
  if (id !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = String(id);
  return attributes;
}

function setBus(span: Span, envelope: unknown): void {
  const busName = (envelope as Envelope | undefined)?.last?.(BusNameStamp)?.busName;
  if (busName !== undefined) span.setAttribute(ATTR_MESSENGER_BUS_NAME, busName);
}

/** Runs `call` in `ctx` and ends `span` when it settles; a throw or rejection is recorded on it. */
function runInSpan(span: Span, ctx: Context, call: () => unknown, onResult?: (result: any) => void): unknown {
  let result: unknown;
  try {
    result = context.with(ctx, call);
  } catch (error) {
    fail(span, error);
    span.end();
    throw error;
  }
  if (isThenable(result)) {
    return result.then(
      (value) => {
        onResult?.(value);
        span.end();
        return value;
      },
      (error: unknown) => {
        fail(span, error);
        span.end();
        throw error;
      },
    );
  }
  onResult?.(result);
  span.end();
  return result;
}

function fail(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : String(error);
  span.recordException(exception);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}
