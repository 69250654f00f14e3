import { InvalidArgumentError } from "../../errors/invalid-argument-error.js";
import type { TransportFactoryContext } from "../transport-factory.js";
import { dsnScheme } from "./dsn-scheme.js";
import { redactDsn } from "./redact-dsn.js";

/** `doctrine://<connection>[/][?options]`; the connection is taken as written (URL parsing would lowercase it). */
const DOCTRINE = /^doctrine:\/\/([^/?#]+)\/?(?:\?([^#]*))?(?:#.*)?$/i;

/** Which connections a factory serves through `doctrine://`, for its errors. */
export interface DoctrineConnectionKind {
  /** The schemes of the connection DSNs the factory handles, lowercase: `["postgres", "postgresql"]`. */
  readonly schemes: readonly string[];
  /** The factory's name, e.g. `"SqliteTransportFactory"`. */
  readonly factory: string;
}

/** A `doctrine://` DSN resolved through the named connections. */
export interface ResolvedDoctrineDsn {
  /** The connection's name, as written in the DSN. */
  readonly connection: string;
  /** The named connection's DSN (it may hold a password: redact before showing it). */
  readonly connectionDsn: string;
  /** The transport's options from the `doctrine://` DSN's query (the connection's own query is not included). */
  readonly query: Readonly<Record<string, string>>;
}

/** The connection a `doctrine://` DSN names, as written; undefined when it names none. */
export function doctrineConnectionName(dsn: string): string | undefined {
  return typeof dsn === "string" ? DOCTRINE.exec(dsn)?.[1] : undefined;
}

/**
 * Whether a factory for `kind` should claim this `doctrine://` DSN: `doctrine://` is shared by the
 * SQL transports, so it is a factory's when the named connection is one of its schemes, or unknown
 * (so that the error listing the known connections comes from a factory at all).
 */
export function claimsDoctrineDsn(
  dsn: string,
  connections: Readonly<Record<string, string>>,
  kind: Pick<DoctrineConnectionKind, "schemes">,
): boolean {
  if (dsnScheme(dsn) !== "doctrine") return false;
  const name = doctrineConnectionName(dsn);
  const target = name !== undefined && Object.hasOwn(connections, name) ? connections[name] : undefined;
  return target === undefined || kind.schemes.includes(dsnScheme(target) ?? "");
}

/**
 * Resolves `doctrine://<connection>?options` through `context.connections` (`default` comes from
 * DATABASE_URL): an unknown connection is an error listing the known ones, and a connection of
 * another database an error naming the factory's schemes. Passwords never reach the messages.
 */
export function resolveDoctrineDsn(
  dsn: string,
  context: Pick<TransportFactoryContext, "name" | "connections">,
  kind: DoctrineConnectionKind,
): ResolvedDoctrineDsn {
  const match = typeof dsn === "string" ? DOCTRINE.exec(dsn) : null;
  if (!match) {
    throw new InvalidArgumentError(
      `Invalid DSN "${redactDsn(String(dsn))}" of transport "${context.name}": expected doctrine://<connection>[?options], e.g. doctrine://default?queue_name=high.`,
      { code: "INVALID_DSN" },
    );
  }
  const connection = match[1]!;
  const connections = context.connections ?? {};
  const connectionDsn = Object.hasOwn(connections, connection) ? connections[connection] : undefined;
  if (connectionDsn === undefined) {
    const known = Object.keys(connections);
    throw new InvalidArgumentError(
      `Unknown connection "${connection}" in "${redactDsn(dsn)}" of transport "${context.name}"; known connections: ${known.join(", ") || 'none (set DATABASE_URL for "default", or give connections)'}.`,
      { code: "UNKNOWN_CONNECTION" },
    );
  }
  if (!kind.schemes.includes(dsnScheme(connectionDsn) ?? "")) {
    const expected = kind.schemes.map((scheme) => `${scheme}://`).join(" or ");
    throw new InvalidArgumentError(
      `Connection "${connection}" of transport "${context.name}" is "${redactDsn(connectionDsn)}": ${kind.factory} handles only ${expected} connections (register the transport factory for that database).`,
      { code: "UNSUPPORTED_DSN" },
    );
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(match[2] ?? "")) query[key] = value;
  return { connection, connectionDsn, query };
}
