import { InvalidArgumentError } from "../errors/invalid-argument-error.js";

const UNITS: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const PATTERN = /^(\d+)([kmg])?$/i;

/**
 * Reads a memory limit as `--memory-limit` takes it: a number of bytes, or a string of digits
 * with an optional K, M or G suffix (any case, 1024-based): `"128M"` is 134217728. Anything
 * else (`"128MB"`, `"1.5G"`, `"-1"`) is refused rather than guessed at, unlike PHP's parsing,
 * which reads `"128MB"` as 128 bytes and stops the worker at once.
 */
export function parseMemoryLimit(value: number | string): number {
  let bytes: number | undefined;
  if (typeof value === "number") {
    bytes = value;
  } else if (typeof value === "string") {
    const match = PATTERN.exec(value.trim());
    if (match) bytes = Number(match[1]) * (match[2] ? UNITS[match[2].toLowerCase()]! : 1);
  }
  if (bytes === undefined || !Number.isSafeInteger(bytes) || bytes <= 0) {
    const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
    throw new InvalidArgumentError(
      `Invalid memory limit ${shown}: use a whole number of bytes > 0, or digits followed by K, M or G (1024-based), e.g. "128M".`,
      { code: "INVALID_MEMORY_LIMIT" },
    );
  }
  return bytes;
}
