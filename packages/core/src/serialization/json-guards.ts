import { MessageDecodingFailedError } from "../errors/message-decoding-failed-error.js";

/**
 * Limits applied to JSON that crosses the process boundary, and the path notation that error
 * messages use to say where a problem is.
 */

/** Where a value sits inside a message: object keys and array indexes, root first. */
export type JsonPath = (string | number)[];

/**
 * Deeper nesting is refused on both sides: decoding recurses, and hostile input such as
 * `[[[[...]]]]` must fail as a decoding error rather than as a stack overflow. Encoding hits it
 * first on circular references. PHP's json_decode uses the same default.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Keys that could reach an object's prototype if some code ever assigned them. They are refused
 * everywhere in decoded input (and at encode time, so a producer learns of it before a consumer).
 */
export function isForbiddenKey(key: string): boolean {
  return key === "__proto__" || key === "constructor" || key === "prototype";
}

// In JSON text a key can only spell a forbidden word as written, or through a \u escape. Text
// matching neither holds no forbidden key, so the full walk can be skipped; a false positive (such
// a sequence inside a string value) only costs that walk. Stamp headers use it: small texts whose
// parsed values are handed on as they are.
const MAY_HOLD_FORBIDDEN_KEYS = /\\u|"(?:__proto__|constructor|prototype)"/;

/** False only when the JSON text certainly has no forbidden key. */
export function mayHoldForbiddenKeys(text: string): boolean {
  return MAY_HOLD_FORBIDDEN_KEYS.test(text);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** JSONPath-like notation: `$.items[2].createdAt`, `$["odd key"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "$";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function forbiddenKeyError(
  key: string,
  path: readonly (string | number)[],
): MessageDecodingFailedError {
  return new MessageDecodingFailedError(
    `forbidden key "${key}" in the object at ${formatPath(path)} (the keys __proto__, constructor and prototype are always rejected).`,
  );
}

/** The parser's own message names the position (`... in JSON at position 7`). */
export function invalidJsonBodyError(error: unknown): MessageDecodingFailedError {
  return new MessageDecodingFailedError(
    `the body is not valid JSON: ${(error as Error)?.message ?? String(error)}.`,
    { cause: error },
  );
}

export function tooDeepError(path: readonly (string | number)[]): MessageDecodingFailedError {
  return new MessageDecodingFailedError(
    `nesting deeper than ${MAX_JSON_DEPTH} levels at ${formatPath(path)}.`,
  );
}

/**
 * Throws a decoding error when parsed JSON holds a forbidden key at any depth. For data that is
 * handed to code reading it as-is (stamp `fromJSON`), rather than walked by the value codec.
 */
export function assertNoForbiddenKeys(json: unknown, path: JsonPath = [], depth = 0): void {
  if (typeof json !== "object" || json === null) return;
  if (depth >= MAX_JSON_DEPTH) throw tooDeepError(path);
  if (Array.isArray(json)) {
    for (let i = 0; i < json.length; i++) {
      path.push(i);
      assertNoForbiddenKeys(json[i], path, depth + 1);
      path.pop();
    }
    return;
  }
  for (const key of Object.keys(json)) {
    if (isForbiddenKey(key)) throw forbiddenKeyError(key, path);
    path.push(key);
    assertNoForbiddenKeys((json as Record<string, unknown>)[key], path, depth + 1);
    path.pop();
  }
}
