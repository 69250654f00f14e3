import type { ListableReceiver } from "@messenger-ts/core";
import { classLabel, type FailedMessage } from "./failed-message.js";
import { type FailedMessageSelection, readFailedPages } from "./list-failed-messages.js";

export interface ClassCount {
  readonly className: string;
  readonly typeName: string | undefined;
  readonly count: number;
}

/** `--stats`: how many messages match, per class, largest count first. */
export interface FailedMessageCounts {
  readonly classes: readonly ClassCount[];
  readonly total: number;
}

/**
 * Counts the messages of a failure transport that match the filter, per class, reading it a page
 * at a time: only the counts are kept, never the messages.
 */
export async function countFailedMessages(
  receiver: ListableReceiver,
  filter: FailedMessageSelection,
): Promise<FailedMessageCounts> {
  const counts = new Map<string, ClassCount>();
  let total = 0;
  for await (const page of readFailedPages(receiver)) {
    for (const message of page) {
      if (!filter.matches(message)) continue;
      total++;
      count(counts, message);
    }
  }
  return { classes: sortByCount(counts), total };
}

function count(counts: Map<string, ClassCount>, message: FailedMessage): void {
  const key = classLabel(message);
  const previous = counts.get(key);
  counts.set(key, { className: key, typeName: message.typeName, count: (previous?.count ?? 0) + 1 });
}

function sortByCount(counts: Map<string, ClassCount>): ClassCount[] {
  return [...counts.values()].sort((a, b) => b.count - a.count || a.className.localeCompare(b.className));
}
