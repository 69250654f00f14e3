import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { createDashboard } from "../create-dashboard.js";
import type { DashboardOptions } from "../dashboard-options.js";

/**
 * The dashboard as a Fastify plugin: `app.register(dashboardPlugin, { prefix: "/admin/queues", messenger, token })`.
 * The prefix is the dashboard's `basePath` (a `basePath` in the options must equal it). Its routes
 * hand the raw request and response to the dashboard (`reply.hijack()`); inside the plugin, a form
 * body is left unparsed for the dashboard to read, so the application's parsers are untouched.
 */
export const dashboardPlugin: FastifyPluginAsync<DashboardOptions> = async (instance, options) => {
  const { prefix } = instance;
  const handler = createDashboard({ ...options, basePath: options.basePath ?? prefix });
  // Encapsulated: only this plugin's routes see the pass-through parser.
  instance.addContentTypeParser("application/x-www-form-urlencoded", (_request, _payload, done) => {
    done(null, undefined);
  });
  const route = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.hijack();
    await handler(request.raw, reply.raw);
  };
  instance.all("/", route);
  instance.all("/*", route);
};
