import { InvalidArgumentError } from "@messenger-ts/core";

/**
 * JSON with object keys sorted, so two equal messages give the same text whatever order their
 * fields were assigned in. Dates become ISO strings, maps and sets arrays, bigints strings. Used for
 * ids and hash seeds, never for the wire.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(normalize(value, new Set()));
}

function normalize(value: unknown, seen: Set<object>): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "function" || typeof value === "symbol") return undefined;
    return value;
  }
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) {
    throw new InvalidArgumentError("Cannot compute a stable id of a message holding a cycle.", {
      code: "CYCLIC_MESSAGE",
    });
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => normalize(item, seen) ?? null);
    if (value instanceof Map) return [...value].map(([k, v]) => [normalize(k, seen), normalize(v, seen)]);
    if (value instanceof Set) return [...value].map((item) => normalize(item, seen));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const normalized = normalize((value as Record<string, unknown>)[key], seen);
      if (normalized !== undefined) out[key] = normalized;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
