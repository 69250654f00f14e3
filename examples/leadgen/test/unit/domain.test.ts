import { describe, expect, it } from "vitest";
import { assertIco, icoFromNumber } from "../../src/domain/ico.js";
import { stableHash, stableInt } from "../../src/domain/stable-hash.js";
import { isReservedInvalidHost, parseWebsite } from "../../src/domain/website.js";
import {
  ARES_OUTAGE_ICO,
  FIXTURE_COMPANIES,
  icoCheckDigit,
  isValidIco,
  lastCompletePeriod,
} from "../../src/index.js";

describe("IČO", () => {
  it("checks the check digit (weights 8..2, modulo 11)", () => {
    expect(icoCheckDigit("2561034")).toBe(1);
    expect(isValidIco("25610341")).toBe(true);
    expect(isValidIco("25610342")).toBe(false);
    expect(isValidIco("2561034")).toBe(false);
  });

  it("gives every fixture company but the outage one a valid IČO", () => {
    for (const company of FIXTURE_COMPANIES) {
      expect(isValidIco(company.ico), company.ico).toBe(company.ico !== ARES_OUTAGE_ICO);
    }
  });

  it("lets the outage IČO through the check (ARES is what fails for it) and refuses other bad ones", () => {
    expect(assertIco(ARES_OUTAGE_ICO)).toBe("00000000");
    expect(() => assertIco("12345678")).toThrow(
      expect.objectContaining({ code: "INVALID_ICO", retryable: false }),
    );
  });

  it("generates valid IČOs", () => {
    for (const seed of [0, 1, 42, 9_999_999, 123_456_789]) expect(isValidIco(icoFromNumber(seed))).toBe(true);
  });
});

describe("benchmark periods", () => {
  const at = (iso: string) => Date.parse(iso);

  it("week: the ISO week that ended last", () => {
    expect(lastCompletePeriod("week", at("2024-01-01T05:00:00Z"))).toEqual({
      period: "week",
      key: "2023-W52",
      start: at("2023-12-25T00:00:00Z"),
      end: at("2024-01-01T00:00:00Z"),
    });
    expect(lastCompletePeriod("week", at("2024-01-10T12:00:00Z")).key).toBe("2024-W01");
    // 2020 had 53 ISO weeks; its last ends on Sunday 2021-01-03.
    expect(lastCompletePeriod("week", at("2021-01-04T05:00:00Z")).key).toBe("2020-W53");
  });

  it("month and quarter: the previous calendar month and quarter, across year ends", () => {
    expect(lastCompletePeriod("month", at("2024-01-15T00:00:00Z"))).toMatchObject({
      key: "2023-12",
      start: at("2023-12-01T00:00:00Z"),
      end: at("2024-01-01T00:00:00Z"),
    });
    expect(lastCompletePeriod("quarter", at("2024-02-15T00:00:00Z"))).toMatchObject({
      key: "2023-Q4",
      start: at("2023-10-01T00:00:00Z"),
      end: at("2024-01-01T00:00:00Z"),
    });
    expect(lastCompletePeriod("quarter", at("2024-08-01T00:00:00Z")).key).toBe("2024-Q2");
  });
});

describe("websites", () => {
  it("parses http(s) URLs and refuses anything else with a permanent error", () => {
    expect(parseWebsite("https://Kavarna.cz/menu")).toEqual({
      url: "https://kavarna.cz/menu",
      host: "kavarna.cz",
      https: true,
    });
    expect(() => parseWebsite("ftp://files.cz/")).toThrow(expect.objectContaining({ code: "INVALID_URL" }));
    expect(() => parseWebsite("not a url")).toThrow(expect.objectContaining({ code: "INVALID_URL" }));
  });

  it("knows the reserved .invalid domain", () => {
    expect(isReservedInvalidHost("nefunkcni-web.invalid")).toBe(true);
    expect(isReservedInvalidHost("invalid.cz")).toBe(false);
  });
});

describe("the simulated outside world", () => {
  it("is a function of its input", () => {
    expect(stableHash("https://a.cz/", "seo")).toBe(stableHash("https://a.cz/", "seo"));
    expect(stableHash("https://a.cz/", "seo")).not.toBe(stableHash("https://b.cz/", "seo"));
    const values = Array.from({ length: 200 }, (_, i) => stableInt(3, 5, "x", i));
    expect(new Set(values)).toEqual(new Set([3, 4, 5]));
  });
});
