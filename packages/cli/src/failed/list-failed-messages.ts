import type { ListableReceiver } from "@messenger-ts/core";
import { describeFailedMessage, type FailedMessage } from "./failed-message.js";

/** The first page read when a filter is set; each further page is four times larger. */
const FIRST_FILTERED_PAGE = 200;

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
 * The first `max` messages of a failure transport that match the filter, oldest first.
 *
 * The filter applies before the limit (Symfony before 8.2 filtered the first `max` messages, so a
 * class filter on a busy transport showed nothing; issue #57512). `all()` has no offset, so a
 * filtered listing reads growing prefixes of the transport until it has `max + 1` matches or has
 * read everything: at most about a third more reading than one full pass.
 */
export async function listFailedMessages(
  receiver: ListableReceiver,
  filter: FailedMessageSelection,
  max = Number.POSITIVE_INFINITY,
): Promise<FailedMessageList> {
  if (!Number.isFinite(max)) {
    const messages = (await receiver.all()).map(describeFailedMessage).filter((m) => filter.matches(m));
    return { messages, more: false };
  }
  if (!filter.isActive) {
    // One more than asked, to know whether there are more.
    const messages = (await receiver.all(max + 1)).map(describeFailedMessage);
    return { messages: messages.slice(0, max), more: messages.length > max };
  }
  for (let page = Math.max(FIRST_FILTERED_PAGE, (max + 1) * 2); ; page *= 4) {
    const envelopes = await receiver.all(page);
    const matching: FailedMessage[] = [];
    for (const envelope of envelopes) {
      const message = describeFailedMessage(envelope);
      if (filter.matches(message)) matching.push(message);
      if (matching.length > max) return { messages: matching.slice(0, max), more: true };
    }
    if (envelopes.length < page) return { messages: matching, more: false };
  }
}
