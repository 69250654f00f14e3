import { Stamp } from "../envelope/stamp.js";

/**
 * The W3C trace context (https://www.w3.org/TR/trace-context/) of the span that sent the message,
 * so the worker's spans join the producer's trace. Core only carries it: any worker decodes it,
 * with or without the OpenTelemetry package, and only an instrumentation reads it.
 *
 * Decoding never fails: the stamp comes from whatever produced the message (another service,
 * another language), and a bad trace context must cost a trace link, never the message. A field
 * of the wrong shape becomes an empty string, which an instrumentation treats as "no context"
 * (see {@link TraceContextStamp.isValid}).
 */
export class TraceContextStamp extends Stamp {
  static readonly stampName = "TraceContextStamp";
  /** A header that is not even a JSON list is dropped too: the message is decoded without it. */
  static readonly dropWhenUndecodable = true;

  constructor(
    /** `version-traceid-parentid-flags`, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01`. */
    readonly traceparent: string,
    /** Vendor entries (`key=value,key=value`), or null. */
    readonly tracestate: string | null = null,
  ) {
    super();
  }

  /** True when `traceparent` has the W3C form with a non-zero trace id and parent id. */
  isValid(): boolean {
    return isValidTraceparent(this.traceparent);
  }

  static fromJSON(data: unknown): TraceContextStamp {
    const fields = typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
    const traceparent = typeof fields.traceparent === "string" ? fields.traceparent : "";
    const tracestate = typeof fields.tracestate === "string" ? fields.tracestate : null;
    return new TraceContextStamp(traceparent, tracestate);
  }
}

// Version 00 exactly; a higher version may add fields after the flags (the spec's forward rule).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

function isValidTraceparent(value: string): boolean {
  const match = TRACEPARENT.exec(value);
  if (match === null) return false;
  const [, version, traceId, parentId, , rest] = match;
  if (version === "ff") return false;
  if (version === "00" && rest !== undefined) return false;
  return !/^0+$/.test(traceId!) && !/^0+$/.test(parentId!);
}
