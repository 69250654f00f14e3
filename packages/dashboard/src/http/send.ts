import type { ServerResponse } from "node:http";
import type { SafeHtml } from "../html/html.js";

/**
 * Headers on every answer: no framing (clickjacking), no script at all (the pages have none, so a
 * body that slipped through escaping could not run either), no caching of message contents.
 */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
} as const;

export function sendHtml(response: ServerResponse, status: number, page: SafeHtml, cookie?: string): void {
  const body = Buffer.from(page.text, "utf8");
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "text/html; charset=utf-8",
    "content-length": body.length,
    ...(cookie ? { "set-cookie": cookie } : {}),
  });
  response.end(body);
}

export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  const body = Buffer.from(`${text}\n`, "utf8");
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": "text/plain; charset=utf-8",
    "content-length": body.length,
    ...extra,
  });
  response.end(body);
}

/** 303 See Other after a POST, so reloading the page does not repeat the action. */
export function redirect(response: ServerResponse, location: string, cookie?: string): void {
  response.writeHead(303, {
    ...SECURITY_HEADERS,
    location,
    "content-length": 0,
    ...(cookie ? { "set-cookie": cookie } : {}),
  });
  response.end();
}
