import type { Stamp } from "@messenger-ts/core";

/** A stamp's fields as JSON text, for the detail page; a stamp JSON cannot hold says so. */
export function stampText(stamp: Stamp): string {
  try {
    return (
      JSON.stringify(stamp, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2) ?? ""
    );
  } catch (error) {
    return `(not shown: ${error instanceof Error ? error.message : String(error)})`;
  }
}
