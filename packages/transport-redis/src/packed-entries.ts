import type { StreamEntry } from "./redis-connection.js";

const SPACE = 0x20;
const MINUS = 0x2d;
const ZERO = 0x30;

/**
 * Reads the entries the fetch script packs into one string (see FETCH): for each entry its id (with
 * its priority level's prefix), a space, the byte length of its message field (-1 when it has none), a space and the message. Read
 * from the reply's bytes, so that the lengths count what Redis counted (bytes, not UTF-16 units)
 * and a message holding any byte at all (a PHP-serialized one) comes through whole. One string per
 * fetch instead of an array of arrays per entry: ioredis's reply parser spent more per entry on
 * those arrays than everything else the transport does to receive a message.
 */
export function unpackEntries(packed: Buffer, into: StreamEntry[]): void {
  let at = 0;
  while (at < packed.length) {
    const afterId = packed.indexOf(SPACE, at);
    // Sliced whole from the bytes: a flat string, where prefix + id would be a rope to flatten later.
    const id = packed.toString("latin1", at, afterId);
    let cursor = afterId + 1;
    const negative = packed[cursor] === MINUS;
    if (negative) cursor++;
    let length = 0;
    for (let byte = packed[cursor]!; byte !== SPACE; byte = packed[++cursor]!)
      length = length * 10 + byte - ZERO;
    cursor++;
    if (negative) {
      into.push({ id, message: undefined });
      at = cursor;
    } else {
      into.push({ id, message: packed.toString("utf8", cursor, cursor + length) });
      at = cursor + length;
    }
  }
}
