import { Stamp } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { numberField, stampFields, stringField } from "./stamp-json.js";

/**
 * Asks for at most one message with this key during `ttl` milliseconds. With
 * `onlyDeduplicateInQueue` the key is released once a worker starts handling the message.
 */
export class DeduplicateStamp extends Stamp {
  static readonly stampName = "DeduplicateStamp";

  constructor(
    readonly key: string,
    readonly ttl: number = 300_000,
    readonly onlyDeduplicateInQueue: boolean = false,
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
  }

  static fromJSON(data: unknown): DeduplicateStamp {
    const name = DeduplicateStamp.stampName;
    const f = stampFields(data, name);
    return new DeduplicateStamp(
      stringField(f, "key", name),
      numberField(f, "ttl", name),
      f.onlyDeduplicateInQueue === true,
    );
  }
}
