import type { IncomingMessage, ServerResponse } from "node:http";
import { createDashboard } from "../create-dashboard.js";
import type { DashboardOptions } from "../dashboard-options.js";

/** What the adapter needs of Express's request: a mount strips its path from `url` and keeps it here. */
interface ExpressRequest extends IncomingMessage {
  originalUrl?: string;
}

/** An Express (4 or 5) or Connect middleware. */
export type DashboardMiddleware = (
  request: ExpressRequest,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * The dashboard as an Express middleware, for `app.use(basePath, dashboardMiddleware({ ..., basePath }))`
 * (or `app.use(dashboardMiddleware(...))`). `basePath` is where it is mounted: Express strips the
 * mount path from `request.url`, so the adapter hands the dashboard `request.originalUrl`, whole,
 * and passes a request outside `basePath` on to `next()`. A body parser that ran before it is fine:
 * the form is read from `request.body`.
 */
export function dashboardMiddleware(options: DashboardOptions): DashboardMiddleware {
  const handler = createDashboard(options);
  const basePath = options.basePath ?? "";
  return (request, response, next) => {
    const url = request.originalUrl ?? request.url ?? "/";
    const path = url.split("?")[0]!;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) {
      next();
      return;
    }
    const mounted = request.url;
    request.url = url;
    handler(request, response).then(
      () => {
        request.url = mounted;
      },
      (error: unknown) => {
        request.url = mounted;
        next(error);
      },
    );
  };
}
