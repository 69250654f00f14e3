import type { ListableReceiver, Receiver } from "@messenger-ts/core";
import type { FailedMessage } from "./failed-message.js";
import { type FailedMessageSelection, readFailedPages } from "./list-failed-messages.js";

/** Rejections sent at once: transports that batch deletes (PostgreSQL) turn them into one statement. */
const REMOVE_CHUNK = 100;

export interface RemovalBounds {
  /** How many messages were counted (and confirmed): at most this many go. */
  readonly count: number;
  /** The id of the last message counted: the removal stops there. */
  readonly lastId: string | undefined;
  readonly signal: AbortSignal;
}

/**
 * Removes the first `count` messages matching the filter, oldest first, up to the last one counted
 * (`lastId`): messages that failed after the count was shown stay. Reads a page at a time, and
 * removes a page only once the next one is read, so the listing goes on from a message still
 * stored (on Redis a delayed message's place is known only while it is stored). Returns how many
 * were removed (fewer when the signal aborts).
 */
export async function removeFailedMessages(
  receiver: Receiver & ListableReceiver,
  filter: FailedMessageSelection,
  { count, lastId, signal }: RemovalBounds,
): Promise<number> {
  let removed = 0;
  let held: FailedMessage[] = [];
  let reachedLast = false;
  const removeHeld = async () => {
    for (let start = 0; start < held.length && !signal.aborted; start += REMOVE_CHUNK) {
      const chunk = held.slice(start, start + REMOVE_CHUNK);
      await Promise.all(chunk.map((message) => receiver.reject(message.envelope)));
      removed += chunk.length;
    }
    held = [];
  };
  const done = () => reachedLast || removed + held.length >= count;
  for await (const page of readFailedPages(receiver)) {
    await removeHeld();
    if (signal.aborted) break;
    for (const message of page) {
      if (done()) break;
      if (!filter.matches(message)) continue;
      held.push(message);
      if (message.id === lastId) reachedLast = true;
    }
    if (done()) break;
  }
  await removeHeld();
  return removed;
}
