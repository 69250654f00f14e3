import { Stamp } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { numberField, stampFields, stringField } from "./stamp-json.js";

/**
 * What a transport does with a message whose key is held by a message it stores:
 *
 * - `preserve`: keeps the stored one and drops the new one (Symfony's DeduplicateMiddleware);
 * - `replace`: the stored one, still waiting, takes the new body, stamps, priority and due time;
 * - `throttle`: drops the new one while the key's TTL runs, even after the first was handled;
 * - `debounce`: like `replace`, but the due time is `ttl` ms after the latest dispatch, so the
 *   message runs once dispatches stop for `ttl` ms.
 */
export type DeduplicationMode = "preserve" | "replace" | "throttle" | "debounce";

export const DEDUPLICATION_MODES: readonly DeduplicationMode[] = [
  "preserve",
  "replace",
  "throttle",
  "debounce",
];

/**
 * Asks the transport for at most one stored message with this key (per queue). The key is held
 * from the send until the message is handled (acked or rejected; with `onlyDeduplicateInQueue`,
 * until a worker takes it), and never longer than `ttl` milliseconds. `replace` and `debounce`
 * release it when a worker takes the message; `throttle` holds it for the whole `ttl`.
 * A retry copy (with a `RedeliveryStamp`) and a message sent to a failure transport are stored
 * without deduplication. See docs/wire-format.md.
 */
export class DeduplicateStamp extends Stamp {
  static readonly stampName = "DeduplicateStamp";

  constructor(
    readonly key: string,
    readonly ttl: number = 300_000,
    readonly onlyDeduplicateInQueue: boolean = false,
    readonly mode: DeduplicationMode = "preserve",
  ) {
    super();
    if (typeof key !== "string" || key === "") {
      throw new InvalidArgumentError(
        `Deduplication key must be a non-empty string, got ${JSON.stringify(key)}.`,
      );
    }
    if (!Number.isSafeInteger(ttl) || ttl <= 0) {
      throw new InvalidArgumentError(
        `Deduplication ttl must be a positive whole number of ms, got ${String(ttl)}.`,
      );
    }
    if (!DEDUPLICATION_MODES.includes(mode)) {
      throw new InvalidArgumentError(
        `Deduplication mode must be one of ${DEDUPLICATION_MODES.join(", ")}, got ${JSON.stringify(mode)}.`,
      );
    }
  }

  /** True when a worker taking the message releases the key (it only deduplicates while queued). */
  get releasedOnClaim(): boolean {
    return this.onlyDeduplicateInQueue || this.mode === "replace" || this.mode === "debounce";
  }

  static fromJSON(data: unknown): DeduplicateStamp {
    const name = DeduplicateStamp.stampName;
    const f = stampFields(data, name);
    const mode = f.mode === undefined ? "preserve" : stringField(f, "mode", name);
    return new DeduplicateStamp(
      stringField(f, "key", name),
      numberField(f, "ttl", name),
      f.onlyDeduplicateInQueue === true,
      mode as DeduplicationMode,
    );
  }
}
