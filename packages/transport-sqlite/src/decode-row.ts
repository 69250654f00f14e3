import {
  Envelope,
  MessageDecodingFailedStamp,
  type Serializer,
  TransportMessageIdStamp,
  UndecodableMessage,
} from "@messenger-ts/core";
import { decodeOrUndecodable } from "@messenger-ts/core/transport";
import type { MessageRow } from "./sqlite-connection.js";
import { SqliteReceivedStamp } from "./sqlite-received-stamp.js";

/**
 * A stored row as a consumer sees it. A row that does not decode (bad JSON, unknown type, a
 * headers column that is not a JSON object, an available_at that is not a number) comes back as an UndecodableMessage with its raw body,
 * never as an error: one bad row must neither crash a worker nor hide the others.
 */
export function decodeRow(serializer: Serializer, row: MessageRow): Envelope {
  const body = typeof row.body === "string" ? row.body : Buffer.isBuffer(row.body) ? row.body.toString() : "";
  const headers = parseHeaders(row.headers);
  const timeless = typeof row.available_at === "number" ? undefined : timelessReason(row.available_at);
  let envelope: Envelope;
  if (typeof headers === "string") {
    envelope = Envelope.wrap(new UndecodableMessage(body, {}, headers), [
      new MessageDecodingFailedStamp(headers),
    ]);
  } else if (timeless !== undefined) {
    envelope = Envelope.wrap(new UndecodableMessage(body, headers, timeless), [
      new MessageDecodingFailedStamp(timeless),
    ]);
  } else {
    envelope = decodeOrUndecodable(serializer, { body, headers });
  }
  // Appended last, so they win over an id stamp the message got from another transport.
  return envelope.with(new TransportMessageIdStamp(row.id), new SqliteReceivedStamp(row.id, row.queue_name));
}

/** Why a row whose due time is not a number cannot be handled: when it was due is unknown. */
function timelessReason(value: unknown): string {
  const shown =
    Buffer.isBuffer(value) || value instanceof Uint8Array
      ? `a ${value.length}-byte blob`
      : `the text ${JSON.stringify(String(value)).slice(0, 80)}`;
  return `Could not decode message: the available_at column holds ${shown}, not a time in milliseconds.`;
}

/** Headers as stored (a JSON object of strings), or why they are unusable. */
function parseHeaders(raw: unknown): Record<string, string> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(raw));
  } catch (error) {
    return `Could not decode message: the headers column is not JSON (${(error as Error).message}).`;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return "Could not decode message: the headers column is not a JSON object.";
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    // defineProperty, not assignment: a "__proto__" header stays a plain key for the decoder to refuse.
    Object.defineProperty(headers, key, {
      value: typeof value === "string" ? value : JSON.stringify(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return headers;
}
