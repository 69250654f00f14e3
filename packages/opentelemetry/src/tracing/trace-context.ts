import { TraceContextStamp } from "@messenger-ts/core";
import { createTraceState, isSpanContextValid, type SpanContext, TraceFlags } from "@opentelemetry/api";

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})/;

/** The stamp that carries `spanContext` to a worker; null for an invalid (no-op) span context. */
export function traceContextStampOf(spanContext: SpanContext): TraceContextStamp | null {
  if (!isSpanContextValid(spanContext)) return null;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, "0");
  const state = spanContext.traceState?.serialize();
  return new TraceContextStamp(
    `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`,
    state === undefined || state === "" ? null : state,
  );
}

/**
 * The remote span context a stamp carries, or null when it carries none worth trusting: a
 * malformed traceparent (another producer, another library) starts a new trace instead of failing
 * the message.
 */
export function spanContextOf(stamp: TraceContextStamp | undefined): SpanContext | null {
  if (stamp === undefined || !stamp.isValid()) return null;
  const match = TRACEPARENT.exec(stamp.traceparent);
  if (match === null) return null;
  let traceState: SpanContext["traceState"];
  if (stamp.tracestate !== null && stamp.tracestate !== "") {
    try {
      traceState = createTraceState(stamp.tracestate);
    } catch {
      // A tracestate the API cannot parse is vendor data we can drop; the parent still counts.
      traceState = undefined;
    }
  }
  const spanContext: SpanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: Number.parseInt(match[4]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    ...(traceState ? { traceState } : {}),
  };
  return isSpanContextValid(spanContext) ? spanContext : null;
}
