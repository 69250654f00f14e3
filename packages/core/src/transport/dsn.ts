import { InvalidArgumentError } from "../errors/invalid-argument-error.js";
import { dsnScheme } from "./kit/dsn-scheme.js";
import { redactDsn } from "./kit/redact-dsn.js";

/** A transport DSN taken apart. `query` holds the options given after `?`. */
export interface Dsn {
  readonly scheme: string;
  readonly user: string | null;
  readonly password: string | null;
  readonly host: string | null;
  readonly port: number | null;
  /** Path without the leading slash ("" when none). */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

/** Parses `scheme://[user[:password]@][host[:port]][/path][?query]`. Percent-escapes are decoded. */
export function parseDsn(dsn: string): Dsn {
  const scheme = dsnScheme(dsn);
  if (typeof dsn !== "string" || scheme === undefined) {
    throw new InvalidArgumentError(
      `Invalid DSN "${typeof dsn === "string" ? redactDsn(dsn) : String(dsn)}": expected scheme://[user:password@]host[:port][/path][?options].`,
      { code: "INVALID_DSN" },
    );
  }
  const rest = dsn.slice(scheme.length + 3);
  // `in-memory://?x=1`, `sync://` and `sqlite:///path` have no host; give the parser one to skip.
  const hasHost = !(rest === "" || rest.startsWith("/") || rest.startsWith("?"));
  let url: URL;
  try {
    // WHATWG URL parses only "special" schemes' hosts reliably; parse as http and keep our scheme.
    url = new URL(`http://${hasHost ? rest : `placeholder${rest}`}`);
  } catch {
    throw new InvalidArgumentError(`Invalid DSN "${redactDsn(dsn)}": it cannot be parsed as a URL.`, {
      code: "INVALID_DSN",
    });
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  return {
    scheme,
    user: url.username ? decodeURIComponent(url.username) : null,
    password: url.password ? decodeURIComponent(url.password) : null,
    host: hasHost ? url.hostname : null,
    port: url.port ? Number(url.port) : null,
    path: decodeURIComponent(url.pathname.replace(/^\//, "")),
    query,
  };
}
