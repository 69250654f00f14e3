import {
  type Envelope,
  ErrorDetailsStamp,
  type MessageClass,
  MessageDecodingFailedStamp,
  messageTypes,
  RedeliveryStamp,
  SentToFailureTransportStamp,
  SerializedMessageStamp,
  TransportMessageIdStamp,
  UndecodableMessage,
} from "@messenger-ts/core";

/**
 * What the failed:* commands know about one message of a failure transport, read once from its
 * envelope's stamps: the list, the filters, the single view and the JSON output all use this.
 */
export interface FailedMessage {
  readonly envelope: Envelope;
  /** The transport's id (`TransportMessageIdStamp`), as text. */
  readonly id: string | undefined;
  /** The message class; for a message that could not be decoded, the type it was stored with. */
  readonly className: string;
  /** The message type name (`@AsMessage`), or the `type` header of an undecodable message. */
  readonly typeName: string | undefined;
  /** When it last failed: the time of its last redelivery stamp (the failure listener adds one). */
  readonly failedAt: Date | undefined;
  /** The last error, and every error in order (bounded by the listeners' stamp history). */
  readonly error: ErrorDetailsStamp | undefined;
  readonly errors: readonly ErrorDetailsStamp[];
  /** The transport it failed on before it was moved to the failure transport. */
  readonly originalTransport: string | undefined;
  readonly history: readonly RedeliveryStamp[];
  /** Set when the stored body could not be decoded: the raw body and headers are kept here. */
  readonly undecodable: UndecodableMessage | undefined;
  /** Why decoding failed. */
  readonly decodingError: string | undefined;
}

export function describeFailedMessage(envelope: Envelope): FailedMessage {
  const message = envelope.message;
  const undecodable = message instanceof UndecodableMessage ? message : undefined;
  const typeHeader = undecodable?.headers.type;
  const typeName = undecodable
    ? typeHeader || undefined
    : messageTypes.typeNameOf(message.constructor as MessageClass);
  const id = envelope.last(TransportMessageIdStamp)?.id;
  return {
    envelope,
    id: id === undefined ? undefined : String(id),
    className: undecodable ? (typeName ?? "(unknown type)") : (message.constructor?.name ?? "Object"),
    typeName,
    failedAt: envelope.last(RedeliveryStamp)?.redeliveredAt,
    error: envelope.last(ErrorDetailsStamp),
    errors: envelope.all(ErrorDetailsStamp),
    originalTransport: envelope.last(SentToFailureTransportStamp)?.originalReceiverName,
    history: envelope.all(RedeliveryStamp),
    undecodable,
    decodingError: envelope.last(MessageDecodingFailedStamp)?.reason ?? undecodable?.reason,
  };
}

/** The class as tables show it; an undecodable message is marked as such. */
export function classLabel(message: FailedMessage): string {
  return message.undecodable ? `${message.className} (undecodable)` : message.className;
}

/**
 * The message body as JSON text: the bytes it was stored with when the transport kept them
 * (what a retry republishes), else the message object itself; the raw body when undecodable.
 */
export function messageBody(message: FailedMessage): string {
  if (message.undecodable) return message.undecodable.body;
  const stored = message.envelope.last(SerializedMessageStamp)?.serializedMessage;
  if (stored !== undefined) {
    try {
      return JSON.stringify(JSON.parse(stored), null, 2);
    } catch {
      return stored;
    }
  }
  return JSON.stringify(message.envelope.message, null, 2) ?? "";
}
