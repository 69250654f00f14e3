import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import { createDashboard } from "../create-dashboard.js";
import type { DashboardOptions } from "../dashboard-options.js";

/**
 * The dashboard as a Hono handler on Node.js (`@hono/node-server`, whose bindings carry the
 * `node:http` request and response the dashboard answers on):
 * `app.all("/admin/queues/*", dashboardHandler({ messenger, basePath: "/admin/queues", token }))`.
 * `basePath` is the path it is routed under; the request's URL reaches it whole.
 */
export function dashboardHandler(
  options: DashboardOptions,
): (context: Context<{ Bindings: HttpBindings }>) => Promise<Response> {
  const handler = createDashboard(options);
  return async (context) => {
    const { incoming, outgoing } = context.env;
    await handler(incoming, outgoing);
    return RESPONSE_ALREADY_SENT;
  };
}
