import { invalid } from "./invalid-option.js";

/**
 * DSN options arrive as strings, options objects as real booleans. Symfony reads DSN booleans
 * with PHP's filter_var, so `"1"` and `"0"` are accepted beside `"true"` and `"false"`; nothing
 * else is (a typo must not silently mean false).
 */
export function parseBooleanOption(value: unknown, option: string, label: string): boolean {
  if (value === true || value === "true" || value === "1") return true;
  if (value === false || value === "false" || value === "0") return false;
  throw invalid(option, value, label, 'true or false (or "true" / "false", "1" / "0")');
}
