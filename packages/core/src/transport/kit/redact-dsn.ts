import { dsnScheme } from "./dsn-scheme.js";

/**
 * The DSN with any password replaced by `***`: the only form of a DSN that may reach logs, errors
 * or CLI output. Passwords may hold unescaped `/`, `?`, `#` or `@`, so everything from the first
 * `:` of the user info to the LAST `@` is masked; an `@` in the query masks too (better too much).
 * Redis takes a password alone (`redis://secret@host`, as Symfony does): masked as well, up to
 * the last `@` before the query (a Redis password holding `?` must be percent-encoded). Text
 * without a scheme gets the same treatment, so a mistyped DSN does not leak either.
 */
export function redactDsn(dsn: string): string {
  const text = String(dsn);
  const name = dsnScheme(text);
  // As written (case kept): `name://`.
  const scheme = name === undefined ? "" : text.slice(0, name.length + 3);
  const rest = text.slice(scheme.length);
  const at = rest.lastIndexOf("@");
  if (at < 0) return text;
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(":");
  if (colon >= 0) return `${scheme}${userinfo.slice(0, colon + 1)}***${rest.slice(at)}`;
  if (name !== "redis" && name !== "rediss") return text;
  const queryAt = rest.indexOf("?");
  const passwordAt = (queryAt < 0 ? rest : rest.slice(0, queryAt)).lastIndexOf("@");
  return passwordAt < 0 ? text : `${scheme}***${rest.slice(passwordAt)}`;
}
