import {
  describeFailedMessage,
  FAILED_PAGE_SIZE,
  type FailedMessage,
  type FailedMessageSelection,
} from "@messenger-ts/cli";
import { type ListableReceiver, MessengerError } from "@messenger-ts/core";

/**
 * Messages a filtered page reads at most in one request: with a filter few messages match, a
 * page stops here and links on from the last message read instead of reading the whole transport.
 */
export const SCAN_LIMIT = 2_000;

export interface FailedPage {
  /** Up to `max` matching messages, oldest first. */
  readonly messages: readonly FailedMessage[];
  /** The `after` of the next page, when there may be one. */
  readonly next: string | undefined;
  /** Messages read to find these (more than shown when a filter is set). */
  readonly scanned: number;
  /** The scan stopped at {@link SCAN_LIMIT} before `max` matched. */
  readonly partial: boolean;
}

/**
 * One page of a failure transport's list: the first `max` messages after `after` that match the
 * filter, read with `ListableReceiver.all(limit, after)` a batch at a time, never the whole
 * transport. Without a filter that is one read of `max + 1` (the extra one tells whether a
 * next page exists), as `messenger:failed:show --max` reads.
 */
export async function readFailedPage(
  receiver: ListableReceiver,
  filter: FailedMessageSelection,
  max: number,
  after: string | undefined,
): Promise<FailedPage> {
  if (!filter.isActive) {
    const envelopes = await receiver.all(max + 1, after);
    const messages = envelopes.slice(0, max).map(describeFailedMessage);
    const next = envelopes.length > max ? messages.at(-1)?.id : undefined;
    return { messages, next, scanned: envelopes.length, partial: false };
  }
  const matching: FailedMessage[] = [];
  let scanned = 0;
  let cursor = after;
  for (;;) {
    const requested = cursor;
    const envelopes = await receiver.all(FAILED_PAGE_SIZE, requested);
    for (const envelope of envelopes) {
      const message = describeFailedMessage(envelope);
      scanned++;
      cursor = message.id;
      if (!filter.matches(message)) continue;
      if (matching.length === max) {
        return { messages: matching, next: matching.at(-1)?.id, scanned, partial: false };
      }
      matching.push(message);
    }
    if (envelopes.length < FAILED_PAGE_SIZE)
      return { messages: matching, next: undefined, scanned, partial: false };
    // A receiver that ignores `after` hands back the same batch forever: stop rather than loop.
    if (cursor === undefined || cursor === requested) {
      throw new MessengerError(
        "NOT_LISTABLE",
        `The failure transport's receiver does not page its listing: all(${FAILED_PAGE_SIZE}, "${String(requested)}") returned the previous page again; its all() must take the id to list after.`,
      );
    }
    if (scanned >= SCAN_LIMIT) return { messages: matching, next: cursor, scanned, partial: true };
  }
}
