import { createHash } from "node:crypto";

/**
 * The first `length` characters of the base64url SHA-256 of `text`: stable across processes,
 * machines and releases, which ids and hash seeds must be.
 */
export function shortHash(text: string, length = 12): string {
  return createHash("sha256").update(text).digest("base64url").slice(0, length);
}

/** The SHA-256 of `text` as raw bytes. */
export function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
