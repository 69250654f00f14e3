import { MessageDecodingFailedError } from "../errors/message-decoding-failed-error.js";

/**
 * Strict readers for `fromJSON` of sendable stamps: a field of the wrong shape is a decoding error
 * naming the stamp and the field, never a half-built stamp.
 */
export function stampFields(data: unknown, stampName: string): Record<string, unknown> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new MessageDecodingFailedError(`Could not decode stamp "${stampName}": expected an object.`);
  }
  return data as Record<string, unknown>;
}

function bad(stampName: string, field: string, expected: string): never {
  throw new MessageDecodingFailedError(
    `Could not decode stamp "${stampName}": "${field}" must be ${expected}.`,
  );
}

export function stringField(fields: Record<string, unknown>, name: string, stampName: string): string {
  const value = fields[name];
  return typeof value === "string" ? value : bad(stampName, name, "a string");
}

export function optionalStringField(
  fields: Record<string, unknown>,
  name: string,
  stampName: string,
): string | null {
  const value = fields[name];
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : bad(stampName, name, "a string or null");
}

export function numberField(fields: Record<string, unknown>, name: string, stampName: string): number {
  const value = fields[name];
  return typeof value === "number" && Number.isFinite(value)
    ? value
    : bad(stampName, name, "a finite number");
}

export function stringOrNumberField(
  fields: Record<string, unknown>,
  name: string,
  stampName: string,
): string | number {
  const value = fields[name];
  if (typeof value === "string" || (typeof value === "number" && Number.isFinite(value))) return value;
  return bad(stampName, name, "a string or a number");
}
