import { randomBytes } from "node:crypto";
import { same } from "./request-guard.js";

/**
 * The CSRF token of one dashboard: random per handler, rendered in every form as the hidden
 * `_csrf` input, required on every POST. Another site can make a browser send a POST with its
 * cookies, but cannot read a page of the dashboard to learn the token.
 */
export class CsrfToken {
  readonly value = randomBytes(24).toString("base64url");

  matches(given: string | null | undefined): boolean {
    return typeof given === "string" && same(given, this.value);
  }
}
