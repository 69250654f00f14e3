/** How a handled message ended: handled, failed and to be retried, or failed for good. */
export type MessageResult = "handled" | "retried" | "failed";

export const MESSAGE_RESULTS: readonly MessageResult[] = ["handled", "retried", "failed"];

/** One handling of one message, as the recorder writes it. Times are epoch milliseconds. */
export interface MessageHistoryEntry {
  /** The transport's id of the message (`TransportMessageIdStamp`), if it has one. */
  readonly messageId: string | null;
  /** The message type name (`@AsMessage`), else its class name. */
  readonly type: string;
  readonly transport: string;
  readonly bus: string | null;
  /** When it was first sent (`SentAtStamp`), if known. */
  readonly dispatchedAt: number | null;
  readonly receivedAt: number;
  /** When handling ended, handled or failed. */
  readonly handledAt: number;
  /** From dispatch to receipt; null without a dispatch time. */
  readonly waitMs: number | null;
  readonly handlingMs: number;
  readonly result: MessageResult;
  readonly errorClass: string | null;
  readonly errorMessage: string | null;
}

/** A stored entry: its row id orders the history (newest first) and pages it. */
export interface StoredMessageHistoryEntry extends MessageHistoryEntry {
  readonly id: number;
}

/** What the history page searches by; every field given must match. */
export interface MessageHistoryFilter {
  readonly type?: string | undefined;
  readonly result?: MessageResult | undefined;
  readonly transport?: string | undefined;
  /** Handled at or after (epoch ms). */
  readonly from?: number | undefined;
  /** Handled before (epoch ms). */
  readonly to?: number | undefined;
}

/** Per message type over the filter: how many, how many failed, how long handling took. */
export interface MessageTypeStatistics {
  readonly type: string;
  readonly count: number;
  /** Entries whose result is not "handled" (retried or failed). */
  readonly failures: number;
  readonly averageHandlingMs: number;
  /** Nearest-rank 95th percentile of the handling time. */
  readonly p95HandlingMs: number;
}

/** How much history is kept; either limit or both. */
export interface MessageHistoryRetention {
  /** Milliseconds: older entries are deleted. */
  readonly maxAge?: number | undefined;
  /** The newest this many entries are kept. */
  readonly maxRows?: number | undefined;
}

/** Where the message history is written (by the recorder) and read (by the dashboard). */
export interface MessageHistoryStore {
  /** Creates the table and its indexes when missing. */
  setup(): Promise<void>;
  add(entries: readonly MessageHistoryEntry[]): Promise<void>;
  /**
   * Deletes what the retention does not keep, `batch` rows per statement (a short lock each, never
   * one huge delete); returns how many rows went.
   */
  prune(retention: MessageHistoryRetention, now: number, batch: number): Promise<number>;
  /** Up to `limit` entries matching the filter, newest first, with an id below `before` if given. */
  list(filter: MessageHistoryFilter, limit: number, before?: number): Promise<StoredMessageHistoryEntry[]>;
  /** The statistics per type of the entries matching the filter (its result ignored), most frequent first. */
  statistics(filter: MessageHistoryFilter): Promise<MessageTypeStatistics[]>;
}
