import { TransportError } from "@messenger-ts/core";

/** A server's product and version, as `SELECT VERSION()` reports them. */
export interface ServerVersion {
  readonly product: "MariaDB" | "MySQL";
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** What the server said, e.g. `10.11.6-MariaDB-0+deb12u1`. */
  readonly text: string;
}

/**
 * The first releases with `SELECT … FOR UPDATE SKIP LOCKED`, which every claim uses: without it
 * concurrent claims wait for each other's rows (and deadlock, as Symfony's users report).
 * MariaDB 10.6 also has `INSERT … RETURNING`, which bulk sends use.
 */
export const MINIMUM_VERSIONS = {
  MariaDB: [10, 6, 0],
  MySQL: [8, 0, 1],
} as const;

/**
 * Reads `SELECT VERSION()`. MariaDB says so in the text (behind a proxy it may come as
 * `5.5.5-10.11.6-MariaDB`); anything else is taken for MySQL.
 */
export function parseServerVersion(text: string): ServerVersion | undefined {
  const mariadb = /mariadb/i.test(text);
  const numbers = (mariadb ? text.replace(/^5\.5\.5-/, "") : text).match(/^(\d+)\.(\d+)\.(\d+)/);
  if (!numbers) return undefined;
  return {
    product: mariadb ? "MariaDB" : "MySQL",
    major: Number(numbers[1]),
    minor: Number(numbers[2]),
    patch: Number(numbers[3]),
    text,
  };
}

/** Refuses a server older than MINIMUM_VERSIONS, naming both versions. */
export function checkServerVersion(text: string, label: string): ServerVersion {
  const version = parseServerVersion(text);
  const supported = "MariaDB 10.6 or later, or MySQL 8.0.1 or later";
  if (!version) {
    throw new TransportError(
      `MySQL ${label} cannot tell the server's version from "${text}": it needs ${supported} (SELECT … FOR UPDATE SKIP LOCKED).`,
      { code: "UNSUPPORTED_SERVER_VERSION" },
    );
  }
  const minimum = MINIMUM_VERSIONS[version.product];
  const actual = [version.major, version.minor, version.patch];
  const older = actual.findIndex((part, i) => part !== minimum[i]);
  if (older !== -1 && actual[older]! < minimum[older]!) {
    throw new TransportError(
      `MySQL ${label} needs ${supported} (SELECT … FOR UPDATE SKIP LOCKED); the server is ${version.product} ${actual.join(".")} ("${text}").`,
      { code: "UNSUPPORTED_SERVER_VERSION" },
    );
  }
  return version;
}
