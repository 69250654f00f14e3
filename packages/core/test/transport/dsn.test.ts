import { describe, expect, it } from "vitest";
import { parseDsn, resolveTransportOptions } from "../../src/entry-points/transport.js";
import { InvalidArgumentError } from "../../src/index.js";

describe("parseDsn", () => {
  it("takes a full DSN apart and decodes escapes", () => {
    expect(
      parseDsn("postgresql://app%40x:p%2Fss@db.local:6543/leads?queue_name=high&auto_setup=false"),
    ).toEqual({
      scheme: "postgresql",
      user: "app@x",
      password: "p/ss",
      host: "db.local",
      port: 6543,
      path: "leads",
      query: { queue_name: "high", auto_setup: "false" },
    });
  });

  it("handles DSNs without host, with a named connection, and file paths", () => {
    expect(parseDsn("in-memory://?serialize=true")).toMatchObject({
      scheme: "in-memory",
      host: null,
      path: "",
      query: { serialize: "true" },
    });
    expect(parseDsn("doctrine://default?queue_name=high")).toMatchObject({
      scheme: "doctrine",
      host: "default",
      query: { queue_name: "high" },
    });
    expect(parseDsn("sqlite:///var/data/app.sqlite")).toMatchObject({
      host: null,
      path: "var/data/app.sqlite",
    });
  });

  it("rejects a string without scheme, showing it without its password", () => {
    expect(() => parseDsn("localhost:5432")).toThrowError(InvalidArgumentError);
    expect(() => parseDsn("localhost:5432")).toThrowError(
      /Invalid DSN "localhost:5432": expected scheme:\/\//,
    );
  });
});

describe("resolveTransportOptions", () => {
  it("takes the DSN query over the options object over the defaults", () => {
    expect(resolveTransportOptions("t", { a: 1, b: 2, c: 3 }, { a: "dsn" }, { a: 10, b: 20 })).toEqual({
      a: "dsn",
      b: 20,
      c: 3,
    });
  });

  it("rejects an unknown key wherever it comes from, listing the allowed ones", () => {
    expect(() => resolveTransportOptions("transport x", { a: 1 }, {}, { z: 1 })).toThrowError(
      'Unknown option "z" for transport x; allowed: a.',
    );
    expect(() => resolveTransportOptions("transport x", { a: 1 }, { y: "1" })).toThrowError(/"y"/);
  });
});
