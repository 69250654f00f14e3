import { InvalidArgumentError } from "../errors/invalid-argument-error.js";

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

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * The DSN with any password replaced by `***`: the only form of a DSN that may reach logs or
 * errors. Passwords may hold unescaped `/`, `?`, `#` or `@`, so everything from the first `:` of
 * the user part to the last `@` is masked; a query containing `@` is masked too (better too much).
 */
export function redactDsn(dsn: string): string {
  const text = String(dsn);
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/)/i.exec(text);
  if (!scheme) return text;
  const rest = text.slice(scheme[1]!.length);
  const at = rest.lastIndexOf("@");
  if (at < 0) return text;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(":");
  // Redis accepts a password alone (`redis://secret@host`), as Symfony does.
  if (colon < 0) return /^rediss?:\/\//i.test(text) ? `${scheme[1]}***${rest.slice(at)}` : text;
  return `${scheme[1]}${userinfo.slice(0, colon + 1)}***${rest.slice(at)}`;
}

/** Parses `scheme://[user[:password]@][host[:port]][/path][?query]`. Percent-escapes are decoded. */
export function parseDsn(dsn: string): Dsn {
  if (typeof dsn !== "string" || !SCHEME.test(dsn)) {
    throw new InvalidArgumentError(
      `Invalid DSN "${typeof dsn === "string" ? redactDsn(dsn) : String(dsn)}": expected scheme://[user:password@]host[:port][/path][?options].`,
      { code: "INVALID_DSN" },
    );
  }
  const scheme = SCHEME.exec(dsn)![1]!.toLowerCase();
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
