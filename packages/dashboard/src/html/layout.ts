import { html, SafeHtml } from "./html.js";
import { STYLES } from "./styles.js";

export interface LayoutOptions {
  readonly title: string;
  readonly basePath: string;
  /** The message after an action (`data-testid="flash"`). */
  readonly flash?: { readonly text: string; readonly kind: "success" | "error" } | undefined;
  readonly readOnly: boolean;
}

/** The page around every view: navigation, the flash message, inline styles (no CDN, no script). */
export function layout(options: LayoutOptions, body: SafeHtml): SafeHtml {
  const { title, basePath, flash, readOnly } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · messenger-ts</title>
<style>${new SafeHtml(STYLES)}</style>
</head>
<body>
<header><nav>
<strong>messenger-ts</strong>
<a href="${basePath}/">Overview</a>
<a href="${basePath}/failed">Failed messages</a>
<a href="${basePath}/schedules">Schedules</a>
<a href="${basePath}/history">History</a>
${readOnly ? html`<span class="badge">read-only</span>` : ""}
</nav></header>
<main>
<h1>${title}</h1>
${flash ? html`<p class="flash ${flash.kind}" data-testid="flash" role="status">${flash.text}</p>` : ""}
${body}
</main>
</body>
</html>
`;
}
