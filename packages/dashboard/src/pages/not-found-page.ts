import { type DashboardContext, link } from "../dashboard-context.js";
import { html, type SafeHtml } from "../html/html.js";
import { layout } from "../html/layout.js";

export function notFoundPage(context: DashboardContext, what = "This page does not exist."): SafeHtml {
  return layout(
    { title: "Not found", basePath: context.basePath, flash: context.flash, readOnly: context.readOnly },
    html`<p>${what}</p><p><a href="${link(context, [])}">Back to the overview</a></p>`,
  );
}
