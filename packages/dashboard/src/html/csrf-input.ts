import type { DashboardContext } from "../dashboard-context.js";
import { html, type SafeHtml } from "./html.js";

/** The hidden `_csrf` input every POST form carries. */
export function csrfInput(context: DashboardContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${context.csrf.value}">`;
}
