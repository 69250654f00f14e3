import type { DashboardContext } from "../dashboard-context.js";
import { html } from "../html/html.js";
import { layout } from "../html/layout.js";
import type { Page } from "./page.js";

/**
 * `<base>/schedules`: what `debug:scheduler --all` prints: each schedule's recurring messages,
 * their trigger, provider, message types and next run, from the `scheduler` option.
 */
export async function schedulesPage(context: DashboardContext): Promise<Page> {
  const frame = (body: ReturnType<typeof html>): Page => ({
    status: 200,
    body: layout(
      { title: "Schedules", basePath: context.basePath, flash: context.flash, readOnly: context.readOnly },
      body,
    ),
  });
  const registry = context.scheduler;
  if (registry === undefined || registry.names().length === 0) {
    return frame(
      html`<p data-testid="no-schedules">No schedules found${registry === undefined ? " (the dashboard was given no scheduler)" : ""}.</p>`,
    );
  }
  // Loaded only here: the scheduler is an optional peer, present when a registry was given.
  const { describeSchedules } = await import("@messenger-ts/scheduler");
  const date = new Date();
  const schedules = describeSchedules(registry, { date });
  return frame(html`<p class="muted">Next runs computed from ${date.toISOString()}.</p>
${schedules.map(
  ({ name, messages }) => html`<h2>${name}</h2>
${
  messages.length === 0
    ? html`<p class="muted">No recurring messages.</p>`
    : html`<table data-testid="schedule" data-schedule="${name}">
<thead><tr><th>Trigger</th><th>Provider</th><th>Message types</th><th>Next run</th></tr></thead>
<tbody>${messages.map(
        (message) => html`<tr data-testid="recurring-message">
<td>${message.trigger}</td><td>${message.provider}</td><td>${message.messageClasses.join(", ")}</td>
<td>${message.nextRunDates[0]?.toISOString() ?? "never again"}</td>
</tr>`,
      )}</tbody></table>`
}`,
)}`);
}
