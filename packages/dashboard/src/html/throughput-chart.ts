import type { ThroughputMinute } from "../throughput/read-throughput.js";
import { html, type SafeHtml } from "./html.js";

const WIDTH = 720;
const HEIGHT = 160;
const LEFT = 44;
const BOTTOM = 20;
const TOP = 8;

/**
 * The last hour as an inline SVG bar chart, one bar per minute: handled in blue, failed stacked
 * on top in red, each bar's counts in its tooltip (`<title>`). Server-rendered markup: no script
 * and nothing loaded, so the page's Content-Security-Policy stays `default-src 'none'`.
 */
export function throughputChart(minutes: readonly ThroughputMinute[]): SafeHtml {
  const peak = Math.max(1, ...minutes.map((m) => m.handled + m.failed));
  const plotWidth = WIDTH - LEFT;
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const slot = plotWidth / Math.max(1, minutes.length);
  const barWidth = Math.max(1, slot - 2);
  const y = (value: number) => TOP + plotHeight - (value / peak) * plotHeight;
  const time = (minute: number) => new Date(minute).toISOString().slice(11, 16);
  const bars = minutes.map((m, i) => {
    const x = (LEFT + i * slot + 1).toFixed(1);
    const handledTop = y(m.handled);
    const failedTop = y(m.handled + m.failed);
    return html`<g data-testid="throughput-bar" data-minute="${m.minute}" data-handled="${m.handled}" data-failed="${m.failed}"><title>${time(m.minute)} UTC: ${m.handled} handled, ${m.failed} failed</title>${
      m.handled > 0
        ? html`<rect x="${x}" y="${handledTop.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(TOP + plotHeight - handledTop).toFixed(1)}" fill="#3b7dd8"/>`
        : ""
    }${
      m.failed > 0
        ? html`<rect x="${x}" y="${failedTop.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(handledTop - failedTop).toFixed(1)}" fill="#d9534f"/>`
        : ""
    }</g>`;
  });
  const first = minutes[0];
  const last = minutes[minutes.length - 1];
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-testid="throughput-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Messages handled and failed per minute over the last hour">
<line x1="${LEFT}" y1="${TOP + plotHeight}" x2="${WIDTH}" y2="${TOP + plotHeight}" stroke="#9aa3ad"/>
<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotHeight}" stroke="#9aa3ad"/>
<text x="${LEFT - 4}" y="${TOP + 8}" text-anchor="end" font-size="10" fill="#68727d">${peak}</text>
<text x="${LEFT - 4}" y="${TOP + plotHeight}" text-anchor="end" font-size="10" fill="#68727d">0</text>
${bars}
${first ? html`<text x="${LEFT}" y="${HEIGHT - 4}" font-size="10" fill="#68727d">${time(first.minute)}</text>` : ""}
${last ? html`<text x="${WIDTH}" y="${HEIGHT - 4}" text-anchor="end" font-size="10" fill="#68727d">${time(last.minute)} UTC</text>` : ""}
</svg>`;
}
