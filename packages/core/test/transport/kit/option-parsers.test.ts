import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/index.js";
import {
  parseBooleanOption,
  parseMillisecondsOption,
  parseQueueNameOption,
  parseSecondsOption,
  parseSecondsOptionAsMs,
  parseSqlIdentifierOption,
  parseWholeNumberOption,
  shown,
} from "../../../src/transport/kit/index.js";

const LABEL = 'transport "a"';

function errorOf(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: "INVALID_TRANSPORT_OPTION" });
    return error as InvalidArgumentError;
  }
  throw new Error("expected an error");
}

describe("shown", () => {
  it("quotes strings only", () => {
    expect(shown("1")).toBe('"1"');
    expect(shown(1)).toBe("1");
    expect(shown(undefined)).toBe("undefined");
  });
});

describe("parseBooleanOption", () => {
  it.each([
    [true, true],
    ["true", true],
    ["1", true],
    [false, false],
    ["false", false],
    ["0", false],
  ])("accepts %j as %j (as PHP's filter_var does for Symfony DSNs)", (value, expected) => {
    expect(parseBooleanOption(value, "auto_setup", LABEL)).toBe(expected);
  });

  it.each([["yes"], ["TRUE"], [1], [0], [""], [null], [undefined]])("refuses %j", (value) => {
    const error = errorOf(() => parseBooleanOption(value, "auto_setup", LABEL));
    expect(error.message).toBe(
      `Invalid value ${shown(value)} for option "auto_setup" of transport "a": expected true or false (or "true" / "false", "1" / "0").`,
    );
  });
});

describe("parseSecondsOption", () => {
  it.each([
    [30, 30],
    ["30", 30],
    ["0.5", 0.5],
    [0.001, 0.001],
    [2_000_000, 2_000_000],
  ])("accepts %j", (value, expected) => {
    expect(parseSecondsOption(value, "redeliver_timeout", LABEL)).toBe(expected);
  });

  it.each([
    [0],
    ["0"],
    [-1],
    ["-1"],
    ["1e3"],
    [" 1"],
    ["abc"],
    [2_000_001],
    [Number.NaN],
    [Infinity],
    [true],
  ])("refuses %j", (value) => {
    const error = errorOf(() => parseSecondsOption(value, "redeliver_timeout", LABEL));
    expect(error.message).toBe(
      `Invalid value ${shown(value)} for option "redeliver_timeout" of transport "a": expected a number of seconds > 0 and at most 2000000 (e.g. 30).`,
    );
  });

  it("has a variant in whole milliseconds, at least one", () => {
    expect(parseSecondsOptionAsMs("0.5", "redeliver_timeout", LABEL)).toBe(500);
    expect(parseSecondsOptionAsMs(30, "redeliver_timeout", LABEL)).toBe(30_000);
    expect(parseSecondsOptionAsMs("0.0001", "redeliver_timeout", LABEL)).toBe(1);
    expect(errorOf(() => parseSecondsOptionAsMs("0", "redeliver_timeout", LABEL)).message).toContain(
      'Invalid value "0" for option "redeliver_timeout"',
    );
  });
});

describe("parseWholeNumberOption", () => {
  it("accepts whole numbers in [min, max], as numbers or decimal strings", () => {
    expect(parseWholeNumberOption("0", "dbindex", LABEL, 0, 15)).toBe(0);
    expect(parseWholeNumberOption(15, "dbindex", LABEL, 0, 15)).toBe(15);
  });

  it.each([[-1], [16], ["1.5"], [1.5], ["x"], ["-1"], [null]])("refuses %j", (value) => {
    expect(errorOf(() => parseWholeNumberOption(value, "dbindex", LABEL, 0, 15)).message).toBe(
      `Invalid value ${shown(value)} for option "dbindex" of transport "a": expected a whole number from 0 to 15.`,
    );
  });
});

describe("parseSqlIdentifierOption", () => {
  it("accepts plain identifiers up to the given length", () => {
    expect(parseSqlIdentifierOption("messenger_messages", "table_name", LABEL, 48)).toBe(
      "messenger_messages",
    );
    expect(parseSqlIdentifierOption(`_${"a".repeat(47)}`, "table_name", LABEL, 48)).toHaveLength(48);
  });

  it.each([["1abc"], ["a-b"], ['x"; drop table y; --'], ["a b"], [""], ["a".repeat(49)], [42]])(
    "refuses %j",
    (value) => {
      expect(errorOf(() => parseSqlIdentifierOption(value, "table_name", LABEL, 48)).message).toBe(
        `Invalid value ${shown(value)} for option "table_name" of transport "a": expected an identifier of letters, digits and underscores, not starting with a digit, at most 48 characters.`,
      );
    },
  );

  it("refuses a reserved prefix in any case, and says so", () => {
    expect(parseSqlIdentifierOption("my_sqlite_table", "table_name", LABEL, 63, "sqlite_")).toBe(
      "my_sqlite_table",
    );
    expect(
      errorOf(() => parseSqlIdentifierOption("SQLite_master", "table_name", LABEL, 63, "sqlite_")).message,
    ).toBe(
      'Invalid value "SQLite_master" for option "table_name" of transport "a": expected an identifier of letters, digits and underscores, not starting with a digit or sqlite_, at most 63 characters.',
    );
  });
});

describe("parseQueueNameOption", () => {
  it.each([["default"], ["high.priority-1"], ["_x"], ["9"], ["a".repeat(190)]])("accepts %j", (value) => {
    expect(parseQueueNameOption(value, "queue_name", LABEL)).toBe(value);
  });

  it.each([["-x"], [".x"], ["a b"], ["a/b"], [""], ["a".repeat(191)], [1]])("refuses %j", (value) => {
    expect(errorOf(() => parseQueueNameOption(value, "queue_name", LABEL)).message).toBe(
      `Invalid value ${shown(value)} for option "queue_name" of transport "a": expected a queue name of letters, digits, "_", "-" and ".", not starting with "-" or ".", at most 190 characters.`,
    );
  });
});

describe("parseMillisecondsOption", () => {
  it("accepts numbers > 0 up to 2000000 s", () => {
    expect(parseMillisecondsOption(500, "redeliveryTimeout", LABEL)).toBe(500);
    expect(parseMillisecondsOption(0.5, "redeliveryTimeout", LABEL)).toBe(0.5);
    expect(parseMillisecondsOption(2_000_000_000, "redeliveryTimeout", LABEL)).toBe(2_000_000_000);
  });

  it.each([[0], [-1], ["500"], [Number.NaN], [Infinity], [2_000_000_001], [null]])("refuses %j", (value) => {
    expect(errorOf(() => parseMillisecondsOption(value, "redeliveryTimeout", LABEL)).message).toBe(
      `Invalid value ${shown(value)} for option "redeliveryTimeout" of transport "a": expected a number of milliseconds > 0 and at most 2000000000.`,
    );
  });
});
