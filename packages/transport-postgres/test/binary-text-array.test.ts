import { afterAll, describe, expect, it } from "vitest";
import { binaryTextArray } from "../src/binary-text-array.js";
import { adminPool, pgUp } from "./support/postgres.js";

const pool = adminPool();
afterAll(() => pool.end());

/** What the server reads from the parameter: each element, and the array's bounds. */
async function roundTrip(values: readonly string[]) {
  const { rows } = await pool.query<{ elements: string[] | null; bounds: string | null }>(
    "SELECT $1::text[] AS elements, array_dims($1::text[]) AS bounds",
    [binaryTextArray(values)],
  );
  return rows[0]!;
}

describe.skipIf(!pgUp)("binaryTextArray", () => {
  it("gives the server each string as written, whatever an array literal would have to escape", async () => {
    const values = [
      "plain",
      "",
      "NULL",
      '{"a":"quote \\" backslash \\\\","b":[1,2]}',
      "{braces},commas, spaces ",
      "line\nbreak\ttab",
      "é ü 中文 😀",
      "x".repeat(10_240),
    ];
    const { elements, bounds } = await roundTrip(values);
    expect(elements).toEqual(values);
    expect(bounds).toBe(`[1:${values.length}]`);
  });

  it("sends a lone surrogate as U+FFFD, as the driver's text parameters do", async () => {
    const { rows } = await pool.query<{ text: string }>("SELECT $1::text AS text", ["a\ud800b"]);
    expect((await roundTrip(["a\ud800b"])).elements).toEqual([rows[0]!.text]);
    expect(rows[0]!.text).toBe("a\ufffdb");
  });

  it("sends no strings as the empty array", async () => {
    const { elements, bounds } = await roundTrip([]);
    expect(elements).toEqual([]);
    expect(bounds).toBeNull();
  });
});
