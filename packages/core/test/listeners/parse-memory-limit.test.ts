import { describe, expect, it } from "vitest";
import { parseMemoryLimit } from "../../src/entry-points/worker.js";
import { InvalidArgumentError } from "../../src/index.js";

describe("parseMemoryLimit", () => {
  it.each([
    ["128M", 134_217_728],
    ["128m", 134_217_728],
    ["512K", 524_288],
    ["512k", 524_288],
    ["2G", 2_147_483_648],
    ["1g", 1_073_741_824],
    ["1048576", 1_048_576],
    [" 64M ", 67_108_864],
    [1_048_576, 1_048_576],
  ])("reads %j as %d bytes", (input, bytes) => {
    expect(parseMemoryLimit(input)).toBe(bytes);
  });

  it.each(["128MB", "1.5G", "-1", "", "abc", "0", "12T", "M", 0, -5, 1.5, Number.NaN])(
    "refuses %j with a message saying what is allowed",
    (input) => {
      expect(() => parseMemoryLimit(input)).toThrowError(InvalidArgumentError);
      expect(() => parseMemoryLimit(input)).toThrowError(
        /^Invalid memory limit .*: use a whole number of bytes > 0, or digits followed by K, M or G \(1024-based\), e\.g\. "128M"\.$/,
      );
    },
  );

  it("quotes the bad value", () => {
    expect(() => parseMemoryLimit("128MB")).toThrowError('Invalid memory limit "128MB"');
  });
});
