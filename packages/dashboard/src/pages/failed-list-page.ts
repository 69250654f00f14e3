import { classLabel, type FailedMessage, UsageError } from "@messenger-ts/cli";
import { type DashboardContext, link } from "../dashboard-context.js";
import { type FailedPageQuery, failedPageQuery } from "../failed/failed-page-query.js";
import { failureReceiver } from "../failed/failure-receiver.js";
import { readFailedPage } from "../failed/read-failed-page.js";
import { csrfInput } from "../html/csrf-input.js";
import { html, type SafeHtml } from "../html/html.js";
import { layout } from "../html/layout.js";
import type { Page } from "./page.js";

/**
 * `<base>/failed?transport=&class=&failed_after=&failed_before=&max=&after=`: a failure
 * transport's messages a page at a time, with the filters of `messenger:failed:show`; retry and
 * remove for one message, the ticked ones, or all that match the filter.
 */
export async function failedListPage(context: DashboardContext): Promise<Page> {
  const { messenger } = context;
  const names = messenger.failureTransportNames;
  const frame = (body: SafeHtml, status = 200, flash = context.flash): Page => ({
    status,
    body: layout(
      { title: "Failed messages", basePath: context.basePath, flash, readOnly: context.readOnly },
      body,
    ),
  });
  if (names.length === 0) return frame(html`<p>No failure transport is configured.</p>`);
  let query: FailedPageQuery;
  try {
    query = failedPageQuery(context.url.searchParams);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return frame(html`<p><a href="${link(context, ["failed"])}">Clear the filters</a></p>`, 400, {
      kind: "error",
      text: error.message,
    });
  }
  const name = query.transport ?? messenger.failureTransportName ?? names[0]!;
  const failure = failureReceiver(messenger, name);
  if (failure === undefined) {
    return frame(
      html`<p>"${name}" is not a failure transport that can list its messages. Failure transports: ${names.join(", ")}.</p>`,
      404,
    );
  }
  const page = await readFailedPage(failure.receiver, query.filter, query.max, query.after);
  const filterQuery = {
    transport: name,
    class: query.filter.classFilter,
    failed_after: context.url.searchParams.get("failed_after") ?? undefined,
    failed_before: context.url.searchParams.get("failed_before") ?? undefined,
    max: context.url.searchParams.get("max") ?? undefined,
  };
  const actionsOn = !context.readOnly;
  const rows = page.messages.map((message) => row(context, name, message, actionsOn));
  const table = html`<table>
<thead><tr>${actionsOn ? html`<th></th>` : ""}<th>Id</th><th>Class</th><th>Failed at</th><th>Error</th><th>Failed on</th>${actionsOn ? html`<th></th>` : ""}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
  const body = html`
<form method="get" action="${link(context, ["failed"])}" class="filters">
<label>Failure transport <select name="transport">${names.map(
    (option) => html`<option value="${option}"${option === name ? html` selected` : ""}>${option}</option>`,
  )}</select></label>
<label>Class or type <input name="class" value="${query.filter.classFilter ?? ""}"></label>
<label>Failed at or after <input name="failed_after" value="${filterQuery.failed_after ?? ""}" placeholder="2026-01-31T12:00"></label>
<label>Failed at or before <input name="failed_before" value="${filterQuery.failed_before ?? ""}" placeholder="2026-01-31T18:00"></label>
<label>Max <input name="max" type="number" min="1" max="500" value="${query.max}"></label>
<button type="submit">Filter</button>
</form>
${
  page.messages.length === 0
    ? html`<p data-testid="no-failed">${query.filter.isActive ? `No failed messages match the filter (${query.filter.describe()})` : "No failed messages"}${query.after ? " after this point" : ""}.</p>`
    : actionsOn
      ? html`<form method="post" id="selection">${csrfInput(context)}${table}
<p>
<button type="submit" formaction="${link(context, ["failed", name, "retry"], filterQuery)}" data-testid="retry-selected">Retry selected</button>
<button type="submit" formaction="${link(context, ["failed", name, "remove"], filterQuery)}" data-testid="remove-selected">Remove selected</button>
</p>
</form>`
      : table
}
<p class="muted">${page.partial ? `Read ${page.scanned} messages without filling the page; the next link reads on. ` : ""}${
    page.next !== undefined
      ? html`<a href="${link(context, ["failed"], { ...filterQuery, after: page.next })}" data-testid="next-page">Next page</a>`
      : "End of the list."
  }${query.after !== undefined ? html` · <a href="${link(context, ["failed"], filterQuery)}">First page</a>` : ""}</p>
${
  actionsOn && page.messages.length > 0
    ? html`<form method="post" class="filters">${csrfInput(context)}<input type="hidden" name="all" value="1">
<input type="hidden" name="class" value="${filterQuery.class ?? ""}">
<input type="hidden" name="failed_after" value="${filterQuery.failed_after ?? ""}">
<input type="hidden" name="failed_before" value="${filterQuery.failed_before ?? ""}">
<label><span><input type="checkbox" name="confirm" value="1" required data-testid="confirm-all"> every message that matches${query.filter.isActive ? ` (${query.filter.describe()})` : ""}, not only this page</span></label>
<button type="submit" formaction="${link(context, ["failed", name, "retry"], filterQuery)}" data-testid="retry-all">Retry all ${query.filter.isActive ? "matching" : ""}</button>
<button type="submit" formaction="${link(context, ["failed", name, "remove"], filterQuery)}" data-testid="remove-all">Remove all ${query.filter.isActive ? "matching" : ""}</button>
</form>`
    : ""
}`;
  return frame(body);
}

function row(
  context: DashboardContext,
  transport: string,
  message: FailedMessage,
  actionsOn: boolean,
): SafeHtml {
  const id = message.id ?? "";
  return html`<tr data-testid="failed-row" data-id="${id}">
${actionsOn ? html`<td><input type="checkbox" name="ids" value="${id}" aria-label="select ${id}"></td>` : ""}
<td><a href="${link(context, ["failed", transport, id])}">${id}</a></td>
<td>${classLabel(message)}</td>
<td>${message.failedAt?.toISOString() ?? ""}</td>
<td>${message.error?.errorMessage ?? ""}</td>
<td>${message.originalTransport ?? ""}</td>
${
  actionsOn
    ? html`<td>${
        message.undecodable
          ? ""
          : html`<button type="submit" formaction="${link(context, ["failed", transport, id, "retry"])}" data-testid="retry-button">Retry</button> `
      }<button type="submit" formaction="${link(context, ["failed", transport, id, "remove"])}" data-testid="remove-button">Remove</button></td>`
    : ""
}
</tr>`;
}
