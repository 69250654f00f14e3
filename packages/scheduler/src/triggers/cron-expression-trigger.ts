import { InvalidArgumentError } from "@messenger-ts/core";
import { CronExpressionParser } from "cron-parser";
import { expandHashedCronExpression } from "./hashed-cron-expression.js";
import type { Trigger } from "./trigger.js";

/** Macros cron-parser knows, plus `@midnight` (which Symfony's cron library has). */
const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** Throws unless `timezone` is an IANA zone this runtime knows ("Europe/Paris", "UTC"). */
export function assertTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw new InvalidArgumentError(
      `Unknown time zone ${JSON.stringify(timezone)}: give an IANA name such as "Europe/Paris" or "UTC".`,
      { code: "INVALID_TIMEZONE" },
    );
  }
}

/**
 * Runs at the times a cron expression matches, in a time zone (UTC by default).
 *
 * Five fields (minute hour day-of-month month day-of-week), or six with seconds first; macros
 * `@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`, `@yearly`/`@annually`. Through
 * `fromSpec`, `#` fields and the `#daily`-style aliases are filled in from a context (see
 * {@link expandHashedCronExpression}). The description is the expression after that, plus the zone.
 */
export class CronExpressionTrigger implements Trigger {
  readonly expression: string;
  readonly timezone: string | undefined;
  readonly #source: string;
  readonly #hashSeed: string;

  /**
   * @param expression a cron expression without `#` fields (use `fromSpec` for those).
   * @param hashSeed seeds cron-parser's own `H` fields, so they are stable across processes.
   *   @defaultValue the expression
   */
  constructor(expression: string, timezone?: string, hashSeed?: string) {
    if (typeof expression !== "string" || expression.trim() === "") {
      throw new InvalidArgumentError(
        `A cron expression must be a non-empty string, got ${String(expression)}.`,
        {
          code: "INVALID_CRON_EXPRESSION",
        },
      );
    }
    if (timezone !== undefined) assertTimezone(timezone);
    this.expression = expression.trim().replace(/\s+/g, " ");
    this.timezone = timezone;
    this.#source = MACROS[this.expression.toLowerCase()] ?? this.expression;
    this.#hashSeed = hashSeed ?? this.expression;
    const fields = this.#source.split(" ").length;
    if (this.#source.startsWith("@") || (fields !== 5 && fields !== 6)) {
      throw new InvalidArgumentError(
        `Invalid cron expression "${this.expression}": expected 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or one of ${Object.keys(MACROS).join(", ")}.`,
        { code: "INVALID_CRON_EXPRESSION" },
      );
    }
    // Parsed once here so that a bad expression fails when the schedule is built, not at run time.
    this.#parse(new Date(0));
  }

  /**
   * Builds a trigger from an expression that may hold `#` fields or a `#daily`-style alias.
   * `context` (the recurring message's identity) seeds them; it is required when there are any.
   */
  static fromSpec(expression = "0 * * * *", context?: string, timezone?: string): CronExpressionTrigger {
    return new CronExpressionTrigger(expandHashedCronExpression(expression, context), timezone, context);
  }

  getNextRunDate(after: Date): Date | null {
    return this.#parse(after).next().toDate();
  }

  get description(): string {
    return this.timezone === undefined ? this.expression : `${this.expression} (${this.timezone})`;
  }

  toString(): string {
    return this.description;
  }

  #parse(currentDate: Date) {
    try {
      return CronExpressionParser.parse(this.#source, {
        currentDate,
        // UTC unless a zone is given, as documented: the process's TZ must not move a schedule.
        tz: this.timezone ?? "UTC",
        hashSeed: this.#hashSeed,
      });
    } catch (error) {
      throw new InvalidArgumentError(
        `Invalid cron expression "${this.expression}": ${(error as Error).message}.`,
        { code: "INVALID_CRON_EXPRESSION", cause: error },
      );
    }
  }
}
