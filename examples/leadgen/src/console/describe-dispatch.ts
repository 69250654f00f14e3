import { type Envelope, SentStamp, TransportMessageIdStamp } from "@messenger-ts/core";

/**
 * What an `--async` command prints for each message it dispatched: the message, the transport it
 * was sent to and the id it got there (the id `messenger:failed:show` uses if it ends up failing).
 */
export function describeDispatch(envelope: Envelope): string {
  const transports = envelope.all(SentStamp).map((stamp) => stamp.senderAlias ?? stamp.senderClass);
  const id = envelope.last(TransportMessageIdStamp)?.id;
  const where = transports.length > 0 ? ` to ${transports.join(", ")}` : " (handled at once)";
  return `${envelope.message.constructor.name}${where}${id === undefined ? "" : ` (id ${id})`}`;
}
