import { PermanentFailureError } from "./permanent-failure-error.js";

/** A lead's website, parsed. */
export interface Website {
  readonly url: string;
  readonly host: string;
  readonly https: boolean;
}

/** Parses an http(s) URL; anything else is a permanent failure naming the value. */
export function parseWebsite(url: unknown, what = "website"): Website {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.hostname === "") {
    throw new PermanentFailureError(
      "INVALID_URL",
      `Invalid ${what} ${JSON.stringify(url)}: expected an http:// or https:// URL with a host name.`,
    );
  }
  return { url: parsed.href, host: parsed.hostname.toLowerCase(), https: parsed.protocol === "https:" };
}

/**
 * True for hosts on the `.invalid` top-level domain, which RFC 2606 reserves so that it never
 * resolves: the simulated network fails for them the way a dead domain fails for real.
 */
export function isReservedInvalidHost(host: string): boolean {
  return host === "invalid" || host.endsWith(".invalid");
}

/** The domain of an e-mail address, lower-cased ("" when there is no @). */
export function emailDomain(address: string): string {
  const at = address.lastIndexOf("@");
  return at < 0 ? "" : address.slice(at + 1).toLowerCase();
}
