import type { MessageHistoryFilter } from "./message-history-store.js";

/**
 * The WHERE clause of a filter, its values bound: `placeholder(n)` writes the n-th (1-based)
 * parameter as the dialect wants it (`$1` or `?`).
 */
export function historyWhere(
  filter: MessageHistoryFilter,
  placeholder: (n: number) => string,
  options: { readonly before?: number | undefined; readonly withResult?: boolean } = {},
): { readonly sql: string; readonly values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(placeholder(values.length)));
  };
  if (filter.type) add((p) => `type = ${p}`, filter.type);
  if (filter.transport) add((p) => `transport = ${p}`, filter.transport);
  if (filter.result && options.withResult !== false) add((p) => `result = ${p}`, filter.result);
  if (filter.from !== undefined) add((p) => `handled_at >= ${p}`, filter.from);
  if (filter.to !== undefined) add((p) => `handled_at < ${p}`, filter.to);
  if (options.before !== undefined) add((p) => `id < ${p}`, options.before);
  return { sql: conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`, values };
}

/** The columns every list reads, named as the entry's fields. */
export const HISTORY_COLUMNS = `id, message_id AS "messageId", type, transport, bus, dispatched_at AS "dispatchedAt",
  received_at AS "receivedAt", handled_at AS "handledAt", wait_ms AS "waitMs", handling_ms AS "handlingMs",
  result, error_class AS "errorClass", error_message AS "errorMessage"`;
