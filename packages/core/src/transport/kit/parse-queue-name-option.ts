import { invalid } from "./invalid-option.js";

/** The `queue_name` column is varchar(190), as in Symfony's Doctrine transport. */
export const MAX_QUEUE_NAME_LENGTH = 190;

/**
 * Queue names are bound values, but they also appear in NOTIFY payloads, logs and CLI output: keep
 * them plain, and the same on every SQL transport, so a configuration moves between them unchanged.
 */
const QUEUE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function parseQueueNameOption(value: unknown, option: string, label: string): string {
  if (typeof value !== "string" || !QUEUE_NAME.test(value) || value.length > MAX_QUEUE_NAME_LENGTH) {
    throw invalid(
      option,
      value,
      label,
      `a queue name of letters, digits, "_", "-" and ".", not starting with "-" or ".", at most ${MAX_QUEUE_NAME_LENGTH} characters`,
    );
  }
  return value;
}
