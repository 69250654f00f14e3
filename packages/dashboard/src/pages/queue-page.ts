import { classLabel, describeFailedMessage, messageBody } from "@messenger-ts/cli";
import { DelayStamp, isListableReceiver } from "@messenger-ts/core";
import { type DashboardContext, link } from "../dashboard-context.js";
import { DEFAULT_MAX, MAX_MAX } from "../failed/failed-page-query.js";
import { html } from "../html/html.js";
import { layout } from "../html/layout.js";
import { notFoundPage } from "./not-found-page.js";
import type { Page } from "./page.js";

/**
 * `<base>/queues/<transport>?max=&after=`: the stored messages of a transport that can list
 * (pending and delayed), a page at a time with `all(limit, after)`; looking only, nothing is
 * received or acknowledged.
 */
export async function queuePage(context: DashboardContext, transport: string): Promise<Page> {
  const { messenger } = context;
  if (!messenger.transportNames.includes(transport)) {
    return { status: 404, body: notFoundPage(context, `No transport is named "${transport}".`) };
  }
  const receiver = messenger.getTransport(transport);
  const frame = (body: ReturnType<typeof html>): Page => ({
    status: 200,
    body: layout(
      {
        title: `Queue ${transport}`,
        basePath: context.basePath,
        flash: context.flash,
        readOnly: context.readOnly,
      },
      body,
    ),
  });
  if (!isListableReceiver(receiver)) {
    return frame(html`<p>The "${transport}" transport cannot list its messages.</p>`);
  }
  const maxText = Number(context.url.searchParams.get("max") ?? DEFAULT_MAX);
  const max = Number.isInteger(maxText) && maxText > 0 ? Math.min(maxText, MAX_MAX) : DEFAULT_MAX;
  const after = context.url.searchParams.get("after") || undefined;
  const envelopes = await receiver.all(max + 1, after);
  const messages = envelopes.slice(0, max).map(describeFailedMessage);
  const next = envelopes.length > max ? messages.at(-1)?.id : undefined;
  return frame(html`
<table>
<thead><tr><th>Id</th><th>Class</th><th>Delay</th><th>Body</th></tr></thead>
<tbody>${messages.map(
    (message) => html`<tr data-testid="queue-row" data-id="${message.id ?? ""}">
<td>${message.id ?? ""}</td><td>${classLabel(message)}</td>
<td>${delayOf(message.envelope.last(DelayStamp))}</td>
<td><details><summary>show</summary><pre>${messageBody(message)}</pre></details></td>
</tr>`,
  )}</tbody></table>
<p class="muted">${messages.length === 0 ? "No messages. " : ""}${
    next !== undefined
      ? html`<a href="${link(context, ["queues", transport], { max, after: next })}" data-testid="next-page">Next page</a>`
      : "End of the list."
  }</p>`);
}

function delayOf(stamp: DelayStamp | undefined): string {
  return stamp === undefined ? "" : `${stamp.delay} ms`;
}
