import type { IncomingMessage, ServerResponse } from "node:http";
import { MessengerError } from "@messenger-ts/core";
import type { DashboardContext } from "./dashboard-context.js";
import type { DashboardOptions } from "./dashboard-options.js";
import { flashFrom } from "./html/flash.js";
import { readForm } from "./http/read-form.js";
import { redirect, sendHtml, sendText } from "./http/send.js";
import { bulkAction, singleAction } from "./pages/failed-actions.js";
import { failedDetailPage } from "./pages/failed-detail-page.js";
import { failedListPage } from "./pages/failed-list-page.js";
import { historyPage } from "./pages/history-page.js";
import { notFoundPage } from "./pages/not-found-page.js";
import { overviewPage } from "./pages/overview-page.js";
import { queuePage } from "./pages/queue-page.js";
import { schedulesPage } from "./pages/schedules-page.js";
import { CsrfToken } from "./security/csrf-token.js";
import { RequestGuard } from "./security/request-guard.js";

/** A `node:http` request handler; Express and Connect take it as a middleware as it is. */
export type DashboardHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * The dashboard as a request handler, to mount under `basePath`. Throws `DASHBOARD_NOT_SECURED`
 * when none of `authorize`, `token` or `localOnly` is given.
 */
export function createDashboard(options: DashboardOptions): DashboardHandler {
  const basePath = checkBasePath(options.basePath ?? "");
  const guard = new RequestGuard(options, basePath || "/");
  const csrf = new CsrfToken();
  const readOnly = options.readOnly === true;

  return async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://dashboard.invalid");
      const path = url.pathname;
      if (path !== basePath && !path.startsWith(`${basePath}/`)) {
        sendText(response, 404, "Not found.");
        return;
      }
      const verdict = await guard.check(request, url);
      if (!verdict.allowed) {
        sendText(
          response,
          verdict.status,
          verdict.reason,
          verdict.status === 401 ? { "www-authenticate": "Bearer" } : {},
        );
        return;
      }
      if (verdict.cookie !== undefined && (request.method === "GET" || request.method === "HEAD")) {
        // The token came in the URL: set the cookie and drop it from the address bar and history.
        url.searchParams.delete("token");
        redirect(response, `${url.pathname}${url.search}`, verdict.cookie);
        return;
      }
      const segments = pathSegments(path.slice(basePath.length));
      if (segments === undefined) {
        sendText(response, 400, "The path is not valid percent-encoding.");
        return;
      }
      const context: DashboardContext = {
        messenger: options.messenger,
        basePath,
        readOnly,
        csrf,
        scheduler: options.scheduler,
        url,
        flash: flashFrom(url.searchParams),
      };
      const method = request.method ?? "GET";

      if (method === "POST") {
        if (readOnly) {
          sendText(response, 403, "The dashboard is read-only: retry and remove are disabled.");
          return;
        }
        const form = await readForm(request);
        if (form === undefined) {
          sendText(response, 413, "The form is too large.");
          return;
        }
        if (!csrf.matches(form.get("_csrf"))) {
          sendText(response, 403, "Missing or invalid CSRF token; reload the page and try again.");
          return;
        }
        const [section, transport, id, action] = segments;
        if (section === "failed" && transport !== undefined && segments.length === 3 && isAction(id)) {
          redirect(response, await bulkAction(context, transport, id, form));
          return;
        }
        if (
          section === "failed" &&
          transport !== undefined &&
          id !== undefined &&
          segments.length === 4 &&
          isAction(action)
        ) {
          redirect(response, await singleAction(context, transport, id, action));
          return;
        }
        sendText(response, 404, "Not found.");
        return;
      }
      if (method !== "GET" && method !== "HEAD") {
        sendText(response, 405, "Method not allowed.", { allow: "GET, HEAD, POST" });
        return;
      }
      const [section, transport, id] = segments;
      let page: Awaited<ReturnType<typeof overviewPage>> | undefined;
      if (segments.length === 0) page = await overviewPage(context);
      else if (section === "failed" && segments.length === 1) page = await failedListPage(context);
      else if (section === "failed" && segments.length === 3)
        page = await failedDetailPage(context, transport!, id!);
      else if (section === "queues" && segments.length === 2) page = await queuePage(context, transport!);
      else if (section === "schedules" && segments.length === 1) page = await schedulesPage(context);
      else if (section === "history" && segments.length === 1)
        page = await historyPage(context, options.history);
      if (page === undefined || page.status === 404) {
        sendHtml(response, 404, page?.body ?? notFoundPage(context), verdict.cookie);
        return;
      }
      sendHtml(response, page.status, page.body, verdict.cookie);
    } catch (error) {
      options.messenger.logger.error(
        { err: error, method: request.method, path: request.url?.split("?")[0] },
        "The dashboard failed to answer a request",
      );
      if (response.headersSent) {
        response.destroy(error as Error);
        return;
      }
      // The error's class and code only: a driver's message may carry a connection string.
      const name = error instanceof Error ? error.name : "Error";
      const code = (error as { code?: unknown })?.code;
      sendText(
        response,
        500,
        `The dashboard failed: ${name}${typeof code === "string" ? ` (${code})` : ""}.`,
      );
    }
  };
}

/** The path's segments, decoded; undefined when one is not valid percent-encoding. */
function pathSegments(path: string): string[] | undefined {
  try {
    return path
      .split("/")
      .filter((segment) => segment !== "")
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}

function isAction(value: string | undefined): value is "retry" | "remove" {
  return value === "retry" || value === "remove";
}

function checkBasePath(basePath: string): string {
  if (basePath !== "" && (!basePath.startsWith("/") || basePath.endsWith("/"))) {
    throw new MessengerError(
      "INVALID_DASHBOARD_OPTION",
      `basePath "${basePath}" must be "" or start with "/" and not end with "/" (like "/dashboard").`,
    );
  }
  return basePath;
}
