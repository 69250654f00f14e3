/** Symfony's handler conditions suffix: ` (when from_transport=async, priority=5)`, or nothing. */
export function formatConditions(conditions: Readonly<Record<string, string | number>>): string {
  const pairs = Object.entries(conditions).map(([key, value]) => `${key}=${value}`);
  return pairs.length === 0 ? "" : ` (when ${pairs.join(", ")})`;
}
