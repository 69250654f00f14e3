import { createHash } from "node:crypto";

/**
 * A number in [0, 2^32) derived from the text: the simulated outside world (website scores,
 * certificates, company register data) is a function of its input, so every run, every process
 * and every test sees the same answer for the same lead.
 */
export function stableHash(...parts: readonly (string | number)[]): number {
  return createHash("sha256").update(parts.join("\u0000")).digest().readUInt32BE(0);
}

/** An integer from `min` to `max` (both included) derived from the text. */
export function stableInt(min: number, max: number, ...parts: readonly (string | number)[]): number {
  return min + (stableHash(...parts) % (max - min + 1));
}

/** One of `items`, chosen by the text. */
export function stablePick<T>(items: readonly T[], ...parts: readonly (string | number)[]): T {
  return items[stableHash(...parts) % items.length]!;
}

/** Hex digits derived from the text (up to 64). */
export function stableHex(length: number, ...parts: readonly (string | number)[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length);
}
