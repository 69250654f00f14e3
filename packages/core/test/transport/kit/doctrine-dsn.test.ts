import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../../src/index.js";
import {
  claimsDoctrineDsn,
  doctrineConnectionName,
  resolveDoctrineDsn,
} from "../../../src/transport/kit/index.js";

const SQL = { schemes: ["postgres", "postgresql"], factory: "PostgresTransportFactory" };

function errorOf(run: () => unknown): InvalidArgumentError & { code: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError & { code: string };
  }
  throw new Error("expected an error");
}

describe("doctrine:// resolution", () => {
  it("resolves the named connection as written, with the transport's query apart from the connection's", () => {
    const resolved = resolveDoctrineDsn(
      "doctrine://Reporting?queue_name=high&auto_setup=0",
      { name: "async", connections: { Reporting: "postgres://u:p@db/app?sslmode=require" } },
      SQL,
    );
    expect(resolved).toEqual({
      connection: "Reporting",
      connectionDsn: "postgres://u:p@db/app?sslmode=require",
      query: { queue_name: "high", auto_setup: "0" },
    });
    expect(doctrineConnectionName("doctrine://default/?x=1")).toBe("default");
    expect(doctrineConnectionName("doctrine://")).toBeUndefined();
  });

  it("names the known connections when the one asked for is unknown", () => {
    const error = errorOf(() =>
      resolveDoctrineDsn(
        "doctrine://analytics",
        { name: "async", connections: { default: "x://", b: "y://" } },
        SQL,
      ),
    );
    expect(error.code).toBe("UNKNOWN_CONNECTION");
    expect(error.message).toMatch(
      /Unknown connection "analytics".*transport "async".*known connections: default, b/,
    );
    expect(
      errorOf(() => resolveDoctrineDsn("doctrine://default", { name: "a", connections: {} }, SQL)).message,
    ).toMatch(/known connections: none \(set DATABASE_URL/);
    // Names are as written: no prototype keys, no case folding.
    expect(
      errorOf(() => resolveDoctrineDsn("doctrine://toString", { name: "a", connections: {} }, SQL)).code,
    ).toBe("UNKNOWN_CONNECTION");
    expect(
      errorOf(() =>
        resolveDoctrineDsn(
          "doctrine://Default",
          { name: "a", connections: { default: "postgres://h" } },
          SQL,
        ),
      ).code,
    ).toBe("UNKNOWN_CONNECTION");
  });

  it("refuses a connection of another database without showing its password", () => {
    const error = errorOf(() =>
      resolveDoctrineDsn(
        "doctrine://default",
        { name: "a", connections: { default: "redis://:s3cret@h" } },
        SQL,
      ),
    );
    expect(error.code).toBe("UNSUPPORTED_DSN");
    expect(error.message).toContain(
      "PostgresTransportFactory handles only postgres:// or postgresql:// connections",
    );
    expect(error.message).toContain("redis://:***@h");
    expect(error.message).not.toContain("s3cret");
  });

  it("refuses a doctrine:// DSN without a connection", () => {
    expect(
      errorOf(() => resolveDoctrineDsn("doctrine://?queue_name=x", { name: "a", connections: {} }, SQL)).code,
    ).toBe("INVALID_DSN");
  });

  it("claims a doctrine:// DSN whose connection is of its schemes, or unknown", () => {
    const connections = { default: "sqlite://:memory:", pg: "POSTGRES://h/db" };
    expect(claimsDoctrineDsn("doctrine://pg?queue_name=x", connections, SQL)).toBe(true);
    expect(claimsDoctrineDsn("doctrine://nope", connections, SQL)).toBe(true);
    expect(claimsDoctrineDsn("doctrine://default", connections, SQL)).toBe(false);
    expect(claimsDoctrineDsn("postgres://h/db", connections, SQL)).toBe(false);
  });
});
