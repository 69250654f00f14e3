import { type DashboardContext, link } from "../dashboard-context.js";
import {
  MESSAGE_RESULTS,
  type MessageHistoryFilter,
  type MessageHistoryStore,
  type MessageResult,
} from "../history/message-history-store.js";
import { html, type SafeHtml } from "../html/html.js";
import { layout } from "../html/layout.js";
import type { Page } from "./page.js";

/** Entries one page shows; the next page starts below the last one's id (keyset paging). */
export const HISTORY_PAGE_SIZE = 50;

/**
 * `<base>/history?type=&result=&transport=&from=&to=&before=`: the recorded messages, newest
 * first, a page at a time (one `LIMIT 51` read, never the whole table), and the statistics per
 * type over the same type, transport and time range.
 */
export async function historyPage(
  context: DashboardContext,
  store: MessageHistoryStore | undefined,
): Promise<Page> {
  const frame = (body: SafeHtml, status = 200, flash = context.flash): Page => ({
    status,
    body: layout(
      { title: "Message history", basePath: context.basePath, flash, readOnly: context.readOnly },
      body,
    ),
  });
  if (store === undefined) {
    return frame(
      html`<p class="muted" data-testid="history-off">The message history is off: give the dashboard a <code>history</code> store, and record into it with <code>MessageHistoryRecorder</code> in the workers.</p>`,
    );
  }
  const query = context.url.searchParams;
  const text = (key: string) => {
    const value = query.get(key)?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  let filter: MessageHistoryFilter;
  let before: number | undefined;
  try {
    const result = text("result");
    if (result !== undefined && !MESSAGE_RESULTS.includes(result as MessageResult)) {
      throw new RangeError(`result "${result}" is not one of ${MESSAGE_RESULTS.join(", ")}.`);
    }
    const beforeText = text("before");
    before = beforeText === undefined ? undefined : Number(beforeText);
    if (before !== undefined && !Number.isSafeInteger(before)) {
      throw new RangeError(`before "${beforeText}" is not an entry id.`);
    }
    filter = {
      type: text("type"),
      transport: text("transport"),
      result: result as MessageResult | undefined,
      from: timeOf(text("from"), "from"),
      to: timeOf(text("to"), "to"),
    };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return frame(html`<p><a href="${link(context, ["history"])}">Clear the filters</a></p>`, 400, {
      kind: "error",
      text: error.message,
    });
  }
  const [entries, statistics] = await Promise.all([
    store.list(filter, HISTORY_PAGE_SIZE + 1, before),
    store.statistics(filter),
  ]);
  const more = entries.length > HISTORY_PAGE_SIZE;
  const shown = entries.slice(0, HISTORY_PAGE_SIZE);
  const filterQuery = {
    type: filter.type,
    result: filter.result,
    transport: filter.transport,
    from: text("from"),
    to: text("to"),
  };
  const iso = (time: number | null) => (time === null ? "" : new Date(time).toISOString());
  const statisticsTable =
    statistics.length === 0
      ? html`<p class="muted">No message recorded in this range.</p>`
      : html`<table data-testid="history-statistics">
<thead><tr><th>Type</th><th>Count</th><th>Failure rate</th><th>Average handling</th><th>p95 handling</th></tr></thead>
<tbody>${statistics.map(
          (row) => html`<tr data-testid="type-row" data-type="${row.type}">
<td><a href="${link(context, ["history"], { ...filterQuery, type: row.type })}">${row.type}</a></td>
<td class="num" data-testid="type-count">${row.count}</td>
<td class="num" data-testid="type-failure-rate">${((row.failures / row.count) * 100).toFixed(1)} %</td>
<td class="num" data-testid="type-average">${row.averageHandlingMs.toFixed(1)} ms</td>
<td class="num" data-testid="type-p95">${row.p95HandlingMs} ms</td>
</tr>`,
        )}</tbody></table>`;
  const list =
    shown.length === 0
      ? html`<p class="muted" data-testid="history-empty">No message matches.</p>`
      : html`<table>
<thead><tr><th>Handled at</th><th>Type</th><th>Result</th><th>Transport</th><th>Bus</th><th>Wait</th><th>Handling</th><th>Error</th><th>Message id</th></tr></thead>
<tbody>${shown.map(
          (entry) => html`<tr data-testid="history-row" data-id="${entry.id}" data-result="${entry.result}">
<td>${iso(entry.handledAt)}</td><td>${entry.type}</td>
<td>${entry.result === "handled" ? entry.result : html`<span class="badge">${entry.result}</span>`}</td>
<td>${entry.transport}</td><td>${entry.bus ?? ""}</td>
<td class="num">${entry.waitMs === null ? "" : `${entry.waitMs} ms`}</td><td class="num">${entry.handlingMs} ms</td>
<td>${entry.errorClass ? html`<code>${entry.errorClass}</code> ${entry.errorMessage ?? ""}` : ""}</td>
<td><code>${entry.messageId ?? ""}</code></td>
</tr>`,
        )}</tbody></table>`;
  const body = html`
<form method="get" action="${link(context, ["history"])}" class="filters">
<label>Type <input name="type" value="${filter.type ?? ""}"></label>
<label>Result <select name="result"><option value="">any</option>${MESSAGE_RESULTS.map(
    (result) => html`<option${filter.result === result ? html` selected` : ""}>${result}</option>`,
  )}</select></label>
<label>Transport <input name="transport" value="${filter.transport ?? ""}"></label>
<label>From (UTC) <input name="from" placeholder="2026-01-31T12:00" value="${text("from") ?? ""}"></label>
<label>To (UTC) <input name="to" placeholder="2026-01-31T13:00" value="${text("to") ?? ""}"></label>
<button type="submit">Search</button>
</form>
<h2>Per type</h2>
${statisticsTable}
<h2>Messages</h2>
${list}
${more ? html`<p><a data-testid="older" href="${link(context, ["history"], { ...filterQuery, before: shown[shown.length - 1]!.id })}">Older messages</a></p>` : ""}`;
  return frame(body);
}

/** An ISO 8601 time; without a zone, UTC (what the page shows). */
function timeOf(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(value) || !value.includes("T") ? value : `${value}Z`;
  const time = Date.parse(zoned);
  if (Number.isNaN(time)) {
    throw new RangeError(
      `${name} "${value}" is not a date; give an ISO 8601 date and time (2026-01-31T12:00).`,
    );
  }
  return time;
}
