import {
  compareWorkerHeartbeats,
  isListableReceiver,
  isMessageCountAware,
  isStoredMessageCountAware,
  isWorkerRegistry,
  type Transport,
  type WorkerHeartbeat,
} from "@messenger-ts/core";
import { redactDsn } from "@messenger-ts/core/transport";
import { type DashboardContext, link } from "../dashboard-context.js";
import { html } from "../html/html.js";
import { layout } from "../html/layout.js";
import { throughputChart } from "../html/throughput-chart.js";
import { readLastHour, type ThroughputMinute } from "../throughput/read-throughput.js";
import type { Page } from "./page.js";

interface TransportRow {
  readonly name: string;
  readonly dsn: string;
  readonly isFailure: boolean;
  readonly listable: boolean;
  /** What a worker could take now (`getMessageCount()`); for a failure transport, every stored one. */
  readonly count: number | string | undefined;
}

/**
 * `<base>/`: every transport with its count (as `messenger:stats` counts: a failure transport counts
 * everything it holds), its DSN without password, and the live workers of the transports that
 * keep heartbeats (`messenger:workers`), and the messages handled and failed per minute over the
 * last hour (what the workers record with their heartbeats).
 */
export async function overviewPage(context: DashboardContext): Promise<Page> {
  const { messenger } = context;
  const failureNames = new Set(messenger.failureTransportNames);
  const rows = await Promise.all(
    messenger.transportNames.map(async (name): Promise<TransportRow> => {
      const transport = messenger.getTransport(name);
      return {
        name,
        dsn: redactDsn(messenger.getTransportConfig(name).dsn),
        isFailure: failureNames.has(name),
        listable: isListableReceiver(transport),
        count: await countOf(transport, failureNames.has(name)),
      };
    }),
  );
  let workers: WorkerHeartbeat[] | undefined | string;
  try {
    workers = await liveWorkers(messenger.transportNames.map((name) => messenger.getTransport(name)));
  } catch (error) {
    // The transports' counts are still worth showing when the heartbeat store cannot be read.
    workers = `The live workers could not be read: ${errorLabel(error)}.`;
  }
  let lastHour: ThroughputMinute[] | undefined | string;
  try {
    lastHour = await readLastHour(messenger);
  } catch (error) {
    lastHour = `The throughput could not be read: ${errorLabel(error)}.`;
  }
  const transportTable = html`<table>
<thead><tr><th>Transport</th><th>DSN</th><th>Messages</th><th></th></tr></thead>
<tbody>
${rows.map(
  (row) => html`<tr data-testid="transport-row" data-transport="${row.name}">
<td>${row.name}${row.isFailure ? html` <span class="badge">failure</span>` : ""}</td>
<td><code>${row.dsn}</code></td>
<td class="num" data-testid="count">${row.count === undefined ? html`<span class="muted">not countable</span>` : row.count}</td>
<td>${
    row.isFailure && row.listable
      ? html`<a href="${link(context, ["failed"], { transport: row.name })}">failed messages</a>`
      : row.listable
        ? html`<a href="${link(context, ["queues", row.name])}">browse</a>`
        : ""
  }</td>
</tr>`,
)}
</tbody></table>`;
  const workerTable =
    typeof workers === "string"
      ? html`<p class="flash error">${workers}</p>`
      : workers === undefined
        ? html`<p class="muted">No transport keeps worker heartbeats.</p>`
        : workers.length === 0
          ? html`<p class="muted" data-testid="no-workers">No live workers.</p>`
          : html`<table>
<thead><tr><th>Worker</th><th>Host</th><th>PID</th><th>Transports</th><th>Concurrency</th><th>Handled</th><th>Failed</th><th>Memory</th><th>Started</th><th>Last seen</th></tr></thead>
<tbody>${workers.map(
              (worker) => html`<tr data-testid="worker-row" data-worker="${worker.id}">
<td><code>${worker.id}</code></td><td>${worker.host}</td><td class="num">${worker.pid}</td>
<td>${worker.transports.join(", ")}</td><td class="num">${worker.concurrency}</td>
<td class="num">${worker.handled}</td><td class="num">${worker.failed}</td>
<td class="num">${Math.round(worker.memory / 1024 / 1024)} MB</td>
<td>${new Date(worker.startedAt).toISOString()}</td><td>${new Date(worker.lastSeenAt).toISOString()}</td>
</tr>`,
            )}</tbody></table>`;
  const chart =
    typeof lastHour === "string"
      ? html`<p class="flash error">${lastHour}</p>`
      : lastHour === undefined
        ? html`<p class="muted" data-testid="no-throughput">No data: no transport keeps worker throughput (the PostgreSQL, SQLite and Redis transports do).</p>`
        : html`<p data-testid="throughput-summary"><span class="legend handled"></span> <span data-testid="handled-last-hour">${sum(lastHour, "handled")}</span> handled · <span class="legend failed"></span> <span data-testid="failed-last-hour">${sum(lastHour, "failed")}</span> failed in the last hour</p>${throughputChart(lastHour)}`;
  return {
    status: 200,
    body: layout(
      { title: "Overview", basePath: context.basePath, flash: context.flash, readOnly: context.readOnly },
      html`<h2>Transports</h2>${transportTable}<h2>Throughput, last hour</h2>${chart}<h2>Workers</h2>${workerTable}`,
    ),
  };
}

function sum(minutes: readonly ThroughputMinute[], field: "handled" | "failed"): number {
  return minutes.reduce((total, minute) => total + minute[field], 0);
}

async function countOf(transport: Transport, isFailure: boolean): Promise<number | string | undefined> {
  try {
    // As messenger:stats: a retried message that failed again waits delayed in the failure
    // transport, which getMessageCount() (what a worker could take now) leaves out.
    if (isFailure && isStoredMessageCountAware(transport)) return await transport.getStoredMessageCount();
    if (isMessageCountAware(transport)) return await transport.getMessageCount();
    return undefined;
  } catch (error) {
    // The class and code only: a driver's message may name the connection.
    return `error: ${errorLabel(error)}`;
  }
}

/** The workers every registry knows, each once (transports on one backend share a registry). */
async function liveWorkers(transports: readonly Transport[]): Promise<WorkerHeartbeat[] | undefined> {
  const registries = transports.flatMap((transport) => (isWorkerRegistry(transport) ? [transport] : []));
  if (registries.length === 0) return undefined;
  const byId = new Map<string, WorkerHeartbeat>();
  for (const registry of registries) {
    for (const worker of await registry.listWorkers()) byId.set(worker.id, worker);
  }
  return [...byId.values()].sort(compareWorkerHeartbeats);
}

/** An error's class and code only: a driver's message may name the connection. */
function errorLabel(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return `${error instanceof Error ? error.name : "Error"}${typeof code === "string" ? ` (${code})` : ""}`;
}
