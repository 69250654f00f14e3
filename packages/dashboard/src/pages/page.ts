import type { SafeHtml } from "../html/html.js";

/** A rendered page and its status (404 for an unknown transport or message). */
export interface Page {
  readonly status: number;
  readonly body: SafeHtml;
}
