/** Header names and values longer than this are quoted every time rather than kept. */
const MAX_KEPT_LENGTH = 256;
/** Quoted texts kept at most; the store starts again when full (unique values come and go). */
const MAX_KEPT = 128;
/**
 * A head longer than this carries its tail: the send script then stores it as it comes instead of
 * joining the two. Joining costs Redis a copy of the whole message, which for small messages is
 * less than the shared tail saves, and for 10 KB ones took the server's CPU per message in a bulk
 * send from about 50 to 73 µs.
 */
const MAX_HEAD_WITHOUT_TAIL = 1_024;

/**
 * A stream entry's `message` field, `{"body":…,"headers":{…}}` (with `"deduplication":…` after
 * them when the message holds a key), in two parts: `head + tail` is byte for byte what
 * `JSON.stringify` gives for that object. The head holds the body, the tail the rest.
 */
export interface StoredMessage {
  readonly head: string;
  readonly tail: string;
}

/**
 * Writes stored messages by hand, because most of the text repeats from message to message: the
 * header names, the type, and the bus-name stamp header that every message a bus sends carries.
 * Their quoted JSON (stamp headers are JSON in JSON, every quote escaped again) is kept, so only
 * the body is quoted per message; and a message whose headers are those of the message written
 * before gets the very same tail, which a bulk send then sends to Redis once for all of them
 * (see SEND). `JSON.stringify` of the whole object, and sending the whole text per message, made a
 * bus's bulk send of small messages a fifth to a third slower than the same messages without the
 * bus-name stamp (docs/performance.md, "Bulk dispatch through the bus").
 */
export class StoredMessageWriter {
  readonly #quoted = new Map<string, string>();
  /** The headers (names, values) of the last message written without a token, and its tail. */
  #lastNames: readonly string[] = [];
  #lastValues: string[] = [];
  #lastTail = "";

  write(body: string, headers: Readonly<Record<string, string>>, deduplication?: string): StoredMessage {
    // A serializer that breaks its contract (a body or header that is not a string): JSON.stringify decides.
    if (typeof body !== "string") return { head: JSON.stringify({ body, headers, deduplication }), tail: "" };
    const head = `{"body":${JSON.stringify(body)}`;
    // Object.keys: the own enumerable keys in JSON.stringify's order (integer-like keys first).
    const names = Object.keys(headers);
    if (deduplication === undefined && this.#sameAsLast(names, headers)) return parts(head, this.#lastTail);
    let tail = ',"headers":{';
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const value = headers[name];
      if (typeof value !== "string")
        return { head: JSON.stringify({ body, headers, deduplication }), tail: "" };
      tail += `${i === 0 ? "" : ","}${this.#quote(name)}:${this.#quote(value)}`;
    }
    if (deduplication !== undefined)
      return parts(head, `${tail}},"deduplication":${JSON.stringify(deduplication)}}`);
    this.#lastNames = names;
    this.#lastValues = names.map((name) => headers[name]!);
    this.#lastTail = `${tail}}}`;
    return parts(head, this.#lastTail);
  }

  #sameAsLast(names: readonly string[], headers: Readonly<Record<string, string>>): boolean {
    const last = this.#lastNames;
    if (names.length !== last.length || names.length === 0) return false;
    for (let i = 0; i < names.length; i++) {
      if (names[i] !== last[i] || headers[names[i]!] !== this.#lastValues[i]) return false;
    }
    return true;
  }

  #quote(text: string): string {
    if (text.length > MAX_KEPT_LENGTH) return JSON.stringify(text);
    let quoted = this.#quoted.get(text);
    if (quoted === undefined) {
      quoted = JSON.stringify(text);
      if (this.#quoted.size >= MAX_KEPT) this.#quoted.clear();
      this.#quoted.set(text, quoted);
    }
    return quoted;
  }
}

function parts(head: string, tail: string): StoredMessage {
  return head.length > MAX_HEAD_WITHOUT_TAIL ? { head: head + tail, tail: "" } : { head, tail };
}

/** The whole text of a stored message. */
export function storedText(message: StoredMessage): string {
  return message.head + message.tail;
}
