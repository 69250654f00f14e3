import { type ListableReceiver, MessengerError } from "@messenger-ts/core";
import { describeFailedMessage, type FailedMessage } from "./failed-message.js";

/**
 * Messages read per `all()` call when a command walks a failure transport: a command over 100,000
 * failed messages holds one page of them, not all (they took 586 MB when loaded at once).
 */
export const FAILED_PAGE_SIZE = 500;

/** Which messages to list: a `FailedMessageFilter`, or any other test of the same shape. */
export interface FailedMessageSelection {
  /** False when every message matches (the listing then needs no scan). */
  readonly isActive: boolean;
  matches(message: FailedMessage): boolean;
}

export interface FailedMessageList {
  /** Up to `max` matching messages, oldest first. */
  readonly messages: readonly FailedMessage[];
  /** More messages match than `max`. */
  readonly more: boolean;
}

/**
 * Every message of a failure transport, a page at a time, oldest first: each page is the next
 * `pageSize` stored messages after the last one of the page before (`all(limit, after)`).
 *
 * A page is read when the caller asks for it, so a caller removing messages removes a page only
 * once it has the next one: the listing then goes on from a message still stored (on Redis a
 * delayed message's place in the listing is known only while it is stored).
 */
export async function* readFailedPages(
  receiver: ListableReceiver,
  pageSize: number = FAILED_PAGE_SIZE,
): AsyncGenerator<readonly FailedMessage[]> {
  let after: string | undefined;
  for (;;) {
    const envelopes = await receiver.all(pageSize, after);
    const page = envelopes.map(describeFailedMessage);
    if (page.length > 0) yield page;
    if (envelopes.length < pageSize) return;
    const last = page.at(-1)!.id;
    // A receiver that ignores `after` hands back the same page forever: stop rather than loop.
    if (last === undefined || last === after) {
      throw new MessengerError(
        "NOT_LISTABLE",
        `The failure transport's receiver does not page its listing: all(${pageSize}, "${String(after)}") returned the previous page again; its all() must take the id to list after.`,
      );
    }
    after = last;
  }
}

/**
 * The first `max` messages of a failure transport that match the filter, oldest first.
 *
 * The filter applies before the limit (Symfony before 8.2 filtered the first `max` messages, so a
 * class filter on a busy transport showed nothing; issue #57512): pages are read until `max + 1`
 * messages matched or the transport is read through. Without a filter one read of `max + 1`
 * (up to a page) tells whether there are more.
 */
export async function listFailedMessages(
  receiver: ListableReceiver,
  filter: FailedMessageSelection,
  max = Number.POSITIVE_INFINITY,
): Promise<FailedMessageList> {
  const pageSize = filter.isActive ? FAILED_PAGE_SIZE : Math.min(max + 1, FAILED_PAGE_SIZE);
  const matching: FailedMessage[] = [];
  for await (const page of readFailedPages(receiver, pageSize)) {
    for (const message of page) {
      if (!filter.matches(message)) continue;
      if (matching.length === max) return { messages: matching, more: true };
      matching.push(message);
    }
  }
  return { messages: matching, more: false };
}
