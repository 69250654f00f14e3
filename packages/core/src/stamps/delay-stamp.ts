import { Stamp } from "../envelope/stamp.js";
import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { numberField, stampFields } from "./stamp-json.js";

/** A length of time; every unit is optional and they add up. */
export interface Duration {
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
  readonly milliseconds?: number;
}

const UNIT_MS = {
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1_000,
  milliseconds: 1,
} as const;

function durationToMs(duration: Duration): number {
  let total = 0;
  for (const [unit, value] of Object.entries(duration)) {
    const factor = UNIT_MS[unit as keyof typeof UNIT_MS];
    if (factor === undefined) {
      throw new InvalidArgumentError(
        `Unknown duration unit "${unit}"; allowed: ${Object.keys(UNIT_MS).join(", ")}.`,
      );
    }
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`Duration "${unit}" must be a finite number, got ${String(value)}.`);
    }
    total += value * factor;
  }
  return total;
}

/**
 * Delivery delay in milliseconds. Unlike Symfony's helpers, `delayFor` and `delayUntil` keep
 * millisecond precision. A negative or fractional delay is rejected rather than silently rounded.
 */
export class DelayStamp extends Stamp {
  static readonly stampName = "DelayStamp";

  constructor(readonly delay: number) {
    super();
    if (!Number.isSafeInteger(delay) || delay < 0) {
      throw new InvalidArgumentError(
        `Delay must be a whole number of milliseconds >= 0, got ${String(delay)}.`,
        { code: "INVALID_DELAY" },
      );
    }
  }

  /** Delays by a duration (`{ minutes: 5 }`) or a number of milliseconds. */
  static delayFor(duration: Duration | number): DelayStamp {
    return new DelayStamp(Math.round(typeof duration === "number" ? duration : durationToMs(duration)));
  }

  /** Delays until a point in time; a time already past means no delay. */
  static delayUntil(date: Date | number, now: number = Date.now()): DelayStamp {
    const at = typeof date === "number" ? date : date.getTime();
    if (!Number.isFinite(at))
      throw new InvalidArgumentError(`delayUntil needs a valid date, got ${String(date)}.`);
    return new DelayStamp(Math.max(0, Math.round(at - now)));
  }

  static fromJSON(data: unknown): DelayStamp {
    return new DelayStamp(
      numberField(stampFields(data, DelayStamp.stampName), "delay", DelayStamp.stampName),
    );
  }
}
