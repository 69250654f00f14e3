import { classLabel, describeFailedMessage, messageBody } from "@messenger-ts/cli";
import { type DashboardContext, link } from "../dashboard-context.js";
import { failureReceiver } from "../failed/failure-receiver.js";
import { csrfInput } from "../html/csrf-input.js";
import { html } from "../html/html.js";
import { layout } from "../html/layout.js";
import { stampText } from "../html/stamp-text.js";
import { notFoundPage } from "./not-found-page.js";
import type { Page } from "./page.js";

/**
 * `<base>/failed/<transport>/<id>`: what `messenger:failed:show <id> -vv` shows: the message's
 * class, body, the last error with its class, code, message and stack, every earlier error, the
 * retry history and every stamp; with retry and remove.
 */
export async function failedDetailPage(
  context: DashboardContext,
  transport: string,
  id: string,
): Promise<Page> {
  const failure = failureReceiver(context.messenger, transport);
  if (failure === undefined) {
    return {
      status: 404,
      body: notFoundPage(context, `"${transport}" is not a failure transport that can list its messages.`),
    };
  }
  const envelope = await failure.receiver.find(id);
  if (envelope === undefined) {
    return {
      status: 404,
      body: notFoundPage(context, `Message ${id} was not found in the "${transport}" failure transport.`),
    };
  }
  const message = describeFailedMessage(envelope);
  const error = message.error;
  const actions = context.readOnly
    ? html``
    : html`<form method="post" class="inline">${csrfInput(context)}
${message.undecodable ? "" : html`<button type="submit" formaction="${link(context, ["failed", transport, id, "retry"])}" data-testid="retry-button">Retry</button>`}
<button type="submit" formaction="${link(context, ["failed", transport, id, "remove"])}" data-testid="remove-button">Remove</button>
</form>`;
  const body = html`
<p><a href="${link(context, ["failed"], { transport })}">← ${transport}</a></p>
${message.undecodable ? html`<p class="flash error">This message could not be decoded: ${message.decodingError ?? "unknown reason"} It can only be shown or removed.</p>` : ""}
<table data-testid="message-details">
<tr><th>Class</th><td>${classLabel(message)}</td></tr>
${message.typeName !== undefined && message.typeName !== message.className ? html`<tr><th>Type</th><td>${message.typeName}</td></tr>` : ""}
<tr><th>Message id</th><td>${message.id ?? ""}</td></tr>
<tr><th>Failed at</th><td>${message.failedAt?.toISOString() ?? ""}</td></tr>
<tr><th>Failed on transport</th><td>${message.originalTransport ?? ""}</td></tr>
<tr><th>Error class</th><td data-testid="error-class">${error?.errorClass ?? "(unknown)"}</td></tr>
<tr><th>Error code</th><td>${error?.errorCode ?? ""}</td></tr>
<tr><th>Error</th><td data-testid="error-message">${error?.errorMessage ?? "No error was recorded."}</td></tr>
</table>
<p>${actions}</p>
<h2>${message.undecodable ? "Raw body" : "Message"}</h2>
<pre data-testid="message-body">${messageBody(message)}</pre>
<h2>Error stack</h2>
<pre data-testid="error-stack">${error?.stack ?? error?.errorMessage ?? "No error was recorded."}</pre>
${
  message.errors.length > 1
    ? html`<h2>Every error, oldest first</h2><ol>${message.errors.map(
        (each) =>
          html`<li><strong>${each.errorClass}</strong>${each.errorCode ? ` (${each.errorCode})` : ""}: ${each.errorMessage}</li>`,
      )}</ol>`
    : ""
}
<h2>History</h2>
${
  message.history.length === 0
    ? html`<p class="muted">No redelivery recorded.</p>`
    : html`<ul data-testid="history">${message.history.map((stamp) =>
        stamp.retryCount === 0
          ? html`<li>Failed at ${stamp.redeliveredAt.toISOString()} and was sent to the failure transport</li>`
          : html`<li>Failed at ${stamp.redeliveredAt.toISOString()} and was redelivered (retry #${stamp.retryCount})</li>`,
      )}</ul>`
}
<h2>Stamps</h2>
<table data-testid="stamps"><thead><tr><th>Stamp</th><th>Fields</th></tr></thead><tbody>
${envelope.stamps().map((stamp) => html`<tr><td>${stamp.constructor.name}</td><td><pre>${stampText(stamp)}</pre></td></tr>`)}
</tbody></table>`;
  return {
    status: 200,
    body: layout(
      {
        title: `Failed message ${id}`,
        basePath: context.basePath,
        flash: context.flash,
        readOnly: context.readOnly,
      },
      body,
    ),
  };
}
