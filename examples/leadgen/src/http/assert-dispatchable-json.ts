import { HttpError } from "./http-error.js";

/**
 * Below the wire format's 512 levels (docs/wire-format.md): the message that carries the body
 * adds levels of its own, and must stay within that limit to be dispatched.
 */
const MAX_DEPTH = 500;

/**
 * Refuses, as a 400, what the serializer would refuse when the message is dispatched (a 500
 * then): the keys __proto__, constructor and prototype, nesting deeper than the wire format
 * allows, and numbers JSON.parse turned into Infinity (`1e400`). A loop with its own stack: a
 * 256 KiB body can nest far deeper than the call stack allows.
 */
export function assertDispatchableJson(json: unknown): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: json, depth: 0, path: "$" }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value, depth, path } = item;
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new HttpError(
        400,
        "NUMBER_OUT_OF_RANGE",
        `The number at ${path} is too large for a double (it parses as ${value}); send it as a string.`,
      );
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_DEPTH) {
      throw new HttpError(
        400,
        "JSON_TOO_DEEP",
        `The request body nests deeper than ${MAX_DEPTH} levels (at ${path}); messages are limited to 512 levels in all.`,
      );
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    for (const key of Object.keys(value)) {
      const at = `${path}.${key}`;
      if (key === "__proto__" || key === "constructor" || key === "prototype") {
        throw new HttpError(
          400,
          "FORBIDDEN_JSON_KEY",
          `The key "${key}" at ${at} is not accepted (the keys __proto__, constructor and prototype never are).`,
        );
      }
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, path: at });
    }
  }
}
