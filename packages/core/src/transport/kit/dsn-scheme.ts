/** `scheme://` at the start of a DSN, as RFC 3986 spells a scheme. */
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The DSN's scheme, lowercased (`"postgres"` for `POSTGRES://…`), or undefined when it has none. */
export function dsnScheme(dsn: unknown): string | undefined {
  return typeof dsn === "string" ? SCHEME.exec(dsn)?.[1]?.toLowerCase() : undefined;
}
