import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { MessengerError } from "@messenger-ts/core";
import type { DashboardOptions } from "../dashboard-options.js";
import { isLoopback } from "./is-loopback.js";

/** The cookie that stands in for `?token=` once it was given. */
export const TOKEN_COOKIE = "messenger_dashboard";

export type GuardVerdict =
  | {
      readonly allowed: true /** Set-Cookie to send when the token came in the query. */;
      readonly cookie?: string;
    }
  | { readonly allowed: false; readonly status: 401 | 403; readonly reason: string };

/**
 * Decides whether a request may see the dashboard: every check the options give must pass
 * (`localOnly`, then `token`, then `authorize`). Built once; throws when none is given, so a
 * dashboard is never served to everyone by mistake.
 */
export class RequestGuard {
  readonly #authorize: DashboardOptions["authorize"];
  readonly #token: string | undefined;
  readonly #cookieValue: string | undefined;
  readonly #localOnly: boolean;
  readonly #cookiePath: string;

  constructor(options: DashboardOptions, cookiePath: string) {
    const { authorize, token, localOnly } = options;
    if (authorize === undefined && token === undefined && localOnly !== true) {
      throw new MessengerError(
        "DASHBOARD_NOT_SECURED",
        "The dashboard needs authorize, token or localOnly: true; without one of them anyone who reaches the server could retry and remove failed messages.",
      );
    }
    if (token === "") {
      throw new MessengerError(
        "INVALID_DASHBOARD_OPTION",
        'The dashboard token is empty (""); give a random secret, or leave token out.',
      );
    }
    this.#authorize = authorize;
    this.#token = token;
    // A digest, not the token: a leaked cookie does not give the token for the Bearer header.
    this.#cookieValue =
      token === undefined
        ? undefined
        : createHmac("sha256", token).update("messenger-dashboard").digest("hex");
    this.#localOnly = localOnly === true;
    this.#cookiePath = cookiePath;
  }

  async check(request: IncomingMessage, url: URL): Promise<GuardVerdict> {
    if (this.#localOnly && !isLoopback(request.socket.remoteAddress)) {
      return { allowed: false, status: 403, reason: "The dashboard is for local use only." };
    }
    let cookie: string | undefined;
    if (this.#token !== undefined) {
      const given = this.#tokenOf(request, url);
      if (given === undefined) {
        return { allowed: false, status: 401, reason: "A valid dashboard token is required." };
      }
      if (given === "query") {
        cookie = `${TOKEN_COOKIE}=${this.#cookieValue}; Path=${this.#cookiePath}; HttpOnly; SameSite=Strict`;
      }
    }
    if (this.#authorize !== undefined && !(await this.#authorize(request))) {
      return { allowed: false, status: 401, reason: "Not authorized." };
    }
    return cookie === undefined ? { allowed: true } : { allowed: true, cookie };
  }

  /** How the request proves it knows the token, if it does. */
  #tokenOf(request: IncomingMessage, url: URL): "header" | "query" | "cookie" | undefined {
    const header = request.headers.authorization;
    if (header?.startsWith("Bearer ") && same(header.slice(7).trim(), this.#token!)) return "header";
    const query = url.searchParams.get("token");
    if (query !== null && same(query, this.#token!)) return "query";
    const cookie = readCookie(request.headers.cookie, TOKEN_COOKIE);
    if (cookie !== undefined && same(cookie, this.#cookieValue!)) return "cookie";
    return undefined;
  }
}

/** Constant-time comparison, so the time of a refusal does not tell how much of a guess was right. */
export function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
