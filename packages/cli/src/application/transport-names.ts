import type { Messenger } from "@messenger-ts/core";
import { UsageError } from "../console/usage-error.js";

/** Checks transport names given on the command line; an unknown one is a usage error listing the known ones. */
export function assertTransportNames(
  messenger: Messenger,
  names: readonly string[],
  known = messenger.transportNames,
): void {
  for (const name of names) {
    if (!known.includes(name)) {
      throw new UsageError(
        `Unknown transport "${name}"; available transports: ${known.join(", ") || "none"}.`,
        {
          code: "UNKNOWN_TRANSPORT",
        },
      );
    }
  }
}
