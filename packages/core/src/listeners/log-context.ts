import type { Envelope } from "../envelope/envelope.js";
import { RedeliveryStamp } from "../stamps/redelivery-stamp.js";
import { TransportMessageIdStamp } from "../stamps/transport-message-id-stamp.js";

/** The fields every failure-path log line carries, so one message can be followed across lines. */
export interface MessageLogContext {
  readonly class: string;
  readonly messageId: string | number | undefined;
  readonly transport: string;
  readonly retryCount: number;
}

export function messageLogContext(envelope: Envelope, receiverName: string): MessageLogContext {
  return {
    class: envelope.message.constructor?.name ?? "object",
    messageId: envelope.last(TransportMessageIdStamp)?.id,
    transport: receiverName,
    retryCount: RedeliveryStamp.getRetryCountFromEnvelope(envelope),
  };
}
