import { InvalidArgumentError, LogicError } from "@messenger-ts/core";
import { sha256 } from "../support/short-hash.js";

/** Symfony's aliases for hashed expressions. */
export const HASHED_CRON_ALIASES: Readonly<Record<string, string>> = {
  "#hourly": "# * * * *",
  "#daily": "# # * * *",
  "#weekly": "# # * * #",
  "#weekly@midnight": "# #(0-2) * * #",
  "#monthly": "# # # * *",
  "#monthly@midnight": "# #(0-2) # * *",
  "#annually": "# # # # *",
  "#annually@midnight": "# #(0-2) # # *",
  "#yearly": "# # # # *",
  "#yearly@midnight": "# #(0-2) # # *",
  "#midnight": "# #(0-2) * * *",
};

/**
 * Where a bare `#` picks its value, per field (minute, hour, day of month, month, day of week).
 * Days of month stop at 28 so that every month has the chosen day.
 */
export const HASH_RANGES: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 28],
  [1, 12],
  [0, 6],
];
/** What an explicit `#(a-b)` may cover, per field. */
const FIELD_LIMITS: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];
const FIELD_NAMES = ["minute", "hour", "day of month", "month", "day of week"];
const HASHED_FIELD = /^#(?:\((\d+)-(\d+)\))?$/;

/** True when some field of the expression (or its alias) is a `#` to fill in. */
export function isHashedCronExpression(expression: string): boolean {
  const expanded = HASHED_CRON_ALIASES[expression.trim()] ?? expression;
  return expanded
    .trim()
    .split(/\s+/)
    .some((field) => HASHED_FIELD.test(field));
}

/**
 * Replaces each `#` field (or `#(a-b)`) by a value derived from `context`, so one message always
 * gets the same minute, hour... while different messages spread over the range. Symfony seeds a
 * PRNG with sha256(context); here each field takes its own 4 bytes of sha256(context), so the
 * choice of one field never shifts another's. Other fields, `1#2` ("second Monday") included,
 * are left as they are.
 */
export function expandHashedCronExpression(expression: string, context: string | undefined): string {
  const expanded = HASHED_CRON_ALIASES[expression.trim()] ?? expression.trim();
  const fields = expanded.split(/\s+/);
  if (!fields.some((field) => HASHED_FIELD.test(field))) return expanded;
  if (context === undefined || context === "") {
    throw new LogicError(
      `A context (the message) must be given to use the hashed cron expression "${expression}".`,
      { code: "HASHED_CRON_WITHOUT_CONTEXT" },
    );
  }
  if (fields.length !== 5) {
    throw new InvalidArgumentError(
      `Hashed cron expression "${expression}" must have 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}.`,
      { code: "INVALID_CRON_EXPRESSION" },
    );
  }
  const digest = sha256(context);
  return fields
    .map((field, position) => {
      const match = HASHED_FIELD.exec(field);
      if (!match) return field;
      let [min, max] = HASH_RANGES[position]!;
      if (match[1] !== undefined) {
        const [low, high] = FIELD_LIMITS[position]!;
        min = Number(match[1]);
        max = Number(match[2]);
        if (min > max || min < low || max > high) {
          throw new InvalidArgumentError(
            `Invalid hashed range "${field}" for the ${FIELD_NAMES[position]} field of "${expression}": it must lie within ${low}-${high}, lowest first.`,
            { code: "INVALID_CRON_EXPRESSION" },
          );
        }
      }
      return String(min + (digest.readUInt32BE(position * 4) % (max - min + 1)));
    })
    .join(" ");
}
