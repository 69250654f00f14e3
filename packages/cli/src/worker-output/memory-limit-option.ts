import { parseMemoryLimit } from "@messenger-ts/core/worker";
import { InvalidArgumentError } from "commander";

/**
 * The `--memory-limit` parser: checks the value with core's `parseMemoryLimit` (bytes, or digits
 * with a K, M or G suffix) and keeps it as typed, for the banner ("exceeded 128M of memory").
 */
export function memoryLimit(value: string): string {
  try {
    parseMemoryLimit(value);
  } catch {
    throw new InvalidArgumentError(
      `"${value}" is not a memory limit; use a number of bytes, or digits followed by K, M or G (1024-based), e.g. 128M.`,
    );
  }
  return value;
}
