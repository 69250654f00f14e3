import { InvalidArgumentError } from "@messenger-ts/core";
import { redactDsn } from "@messenger-ts/core/transport";
import { parseNestedQuery, type QueryValue } from "./amqp-query.js";

/** An `amqp://` or `amqps://` DSN taken apart; parts it leaves out are undefined. */
export interface AmqpDsn {
  readonly tls: boolean;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** The first path segment, percent-decoded (`%2f` is `/`, RabbitMQ's default vhost). */
  readonly vhost: string | undefined;
  /** The second path segment. */
  readonly exchange: string | undefined;
  /** The query, nested as PHP reads it (`queues[jobs][binding_keys][]=a`). */
  readonly query: Record<string, QueryValue>;
}

const FORM = "amqp[s]://[user:password@]host[:port][/vhost[/exchange]][?options]";

function invalidDsn(dsn: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(`Invalid AMQP DSN "${redactDsn(dsn)}": ${why}; expected ${FORM}.`, {
    code: "INVALID_DSN",
  });
}

function decode(dsn: string, text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidDsn(dsn, `its ${what} holds a bad percent-escape`);
  }
}

/**
 * Parses an AMQP DSN as Symfony's AMQP transport does: the path is `/vhost/exchange`, the query
 * holds the options (nested with brackets). `amqp://` alone is valid: everything from options.
 */
export function parseAmqpDsn(dsn: string): AmqpDsn {
  const text = typeof dsn === "string" ? dsn : "";
  const scheme = /^(amqps?):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme) throw invalidDsn(String(dsn), "not an amqp:// or amqps:// DSN");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidDsn(text, "not a URL (percent-encode special characters in the user and password)");
  }
  const segments = url.pathname.replace(/^\/+|\/+$/g, "");
  const parts = segments === "" ? [] : segments.split("/");
  if (parts.length > 2) throw invalidDsn(text, "its path has more than vhost/exchange");
  const port = url.port === "" ? undefined : Number(url.port);
  const query = parseNestedQuery(url.search.slice(1), (key) => {
    throw invalidDsn(text, `option "${key}" is given twice`);
  });
  return {
    tls: scheme === "amqps",
    host: url.hostname === "" ? undefined : decode(text, url.hostname.replace(/^\[|\]$/g, ""), "host"),
    port,
    user: url.username === "" ? undefined : decode(text, url.username, "user"),
    password: url.password === "" ? undefined : decode(text, url.password, "password"),
    vhost: parts[0] === undefined ? undefined : decode(text, parts[0], "vhost"),
    exchange: parts[1] === undefined ? undefined : decode(text, parts[1], "exchange"),
    query,
  };
}
