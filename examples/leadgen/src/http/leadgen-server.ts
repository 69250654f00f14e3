import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type Envelope, SentStamp, TransportMessageIdStamp } from "@messenger-ts/core";
import type { LeadgenApp } from "../app/leadgen-app.js";
import { GenerateProposalMessage } from "../messages/generate-proposal-message.js";
import { ProcessSesWebhookMessage } from "../messages/process-ses-webhook-message.js";
import { type HealthThresholds, resolveHealthThresholds } from "./health-thresholds.js";
import { HttpError } from "./http-error.js";
import { parseProposalRequest } from "./proposal-request.js";
import { checkQueueHealth } from "./queue-health.js";
import { readJsonBody } from "./read-json-body.js";
import { parseSesWebhook } from "./ses-webhook-payload.js";

export interface LeadgenServerOptions {
  /** When `GET /health` answers 503; the rest from the environment, then the defaults. */
  readonly thresholds?: Partial<HealthThresholds>;
  /** Called with each request's method, path, status and milliseconds (the console logs them). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The operator's dashboard (`createDashboard` of @messenger-ts/dashboard, with basePath
   * `/dashboard`): every request under `/dashboard` goes to it. Without it, `/dashboard` is a 404.
   */
  readonly dashboard?: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
}

/** Where `app:serve` mounts the dashboard. */
export const DASHBOARD_PATH = "/dashboard";

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
}

type Route = (request: IncomingMessage, app: LeadgenApp) => Promise<{ status: number; body: unknown }>;

/**
 * The application's web side (node:http), as the seed's controllers:
 *
 * - `POST /webhooks/ses`: an SES notification (or its SNS envelope) → ProcessSesWebhookMessage on
 *   high_priority; 202, or 400 naming what is wrong with the body.
 * - `POST /proposals` `{"leadId", "userId", "proposalType", "analysisId"?}` → GenerateProposalMessage
 *   on normal (the controller the seed left synchronous); 202 with the message id.
 * - `GET /health`: queue depths, the age of the oldest waiting message per queue and the failed
 *   count; 200, or 503 when a threshold is crossed or the queues cannot be read.
 * - `GET /metrics`: this process's messenger metrics in the Prometheus text format.
 * - `/dashboard/...`: the dashboard's HTML pages, when `options.dashboard` is given.
 *
 * Every other answer is JSON; errors are `{"error": {"code", "message"}}`.
 */
export function createLeadgenServer(app: LeadgenApp, options: LeadgenServerOptions = {}): Server {
  const thresholds = resolveHealthThresholds(options.thresholds, options.env);
  const routes: Record<string, Partial<Record<string, Route>>> = {
    "/webhooks/ses": {
      POST: async (request) =>
        accepted(
          await app.bus.dispatch(new ProcessSesWebhookMessage(parseSesWebhook(await readJsonBody(request)))),
        ),
    },
    "/proposals": {
      POST: async (request) => {
        const { leadId, userId, proposalType, analysisId } = parseProposalRequest(
          await readJsonBody(request),
        );
        return accepted(
          await app.bus.dispatch(new GenerateProposalMessage(leadId, userId, proposalType, analysisId)),
        );
      },
    },
    "/health": {
      GET: async () => {
        try {
          const report = await checkQueueHealth(app, thresholds);
          return { status: report.status === "ok" ? 200 : 503, body: report };
        } catch (error) {
          // The queues cannot be read (the database is down): unhealthy, saying what in general
          // terms only; the driver's message names hosts, databases and tables.
          app.logger.error(
            { error, method: "GET", path: "/health" },
            "GET /health: the queues cannot be read",
          );
          return {
            status: 503,
            body: {
              status: "unhealthy",
              checkedAt: new Date(app.clock.now()).toISOString(),
              error: serverErrorBody(error, "The queues cannot be read; the server log has the details."),
            },
          };
        }
      },
    },
  };

  return createServer((request, response) => {
    const started = performance.now();
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const method = request.method ?? "GET";
    const respond = (status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) => {
      send(response, status, body, headers);
      options.onRequest?.({ method, path, status, ms: Math.round(performance.now() - started) });
    };
    if (path === "/metrics" && (method === "GET" || method === "HEAD")) {
      // Text, not JSON; the endpoint answers even when a transport count fails (that gauge is skipped).
      response.once("finish", () =>
        options.onRequest?.({
          method,
          path,
          status: response.statusCode,
          ms: Math.round(performance.now() - started),
        }),
      );
      app.metrics.requestHandler(request, response);
      return;
    }
    const dashboard = options.dashboard;
    if (dashboard && (path === DASHBOARD_PATH || path.startsWith(`${DASHBOARD_PATH}/`))) {
      response.once("finish", () =>
        options.onRequest?.({
          method,
          path,
          status: response.statusCode,
          ms: Math.round(performance.now() - started),
        }),
      );
      dashboard(request, response).catch((error: unknown) => {
        // The dashboard answers its own errors; this is what escaped it (the same rule: the log
        // has the details, the client only what failed).
        app.logger.error({ error, method, path }, `${method} ${path} failed`);
        if (response.headersSent) {
          response.destroy();
          return;
        }
        send(
          response,
          500,
          serverErrorBody(error, `${method} ${path} failed on the server; the server log has the details.`),
          {},
        );
      });
      return;
    }
    const route = routes[path];
    const handler = route?.[method] ?? (method === "HEAD" ? route?.GET : undefined);
    if (!route) {
      respond(
        404,
        errorBody(
          new HttpError(
            404,
            "NOT_FOUND",
            `No route for ${path}; routes: ${[...Object.keys(routes), "/metrics", ...(dashboard ? [DASHBOARD_PATH] : [])].join(", ")}.`,
          ),
        ),
      );
      return;
    }
    if (!handler) {
      const allow = Object.keys(route).join(", ");
      respond(
        405,
        errorBody(
          new HttpError(405, "METHOD_NOT_ALLOWED", `${method} ${path} is not allowed; use ${allow}.`),
        ),
        { Allow: allow },
      );
      return;
    }
    handler(request, app).then(
      ({ status, body }) => respond(status, body),
      (error: unknown) => {
        if (error instanceof HttpError && error.status < 500) {
          respond(error.status, errorBody(error), error.headers);
          return;
        }
        // The message of a server-side failure may name schemas, tables, hosts and databases:
        // it goes to the log, and the client learns only what failed.
        app.logger.error({ error, method, path }, `${method} ${path} failed`);
        respond(
          500,
          serverErrorBody(error, `${method} ${path} failed on the server; the server log has the details.`),
        );
      },
    );
  });
}

/** 202 and where the message went: the transport and its id there (`messenger:failed:show <id>` if it fails). */
function accepted(envelope: Envelope): { status: number; body: unknown } {
  return {
    status: 202,
    body: {
      status: "accepted",
      message: envelope.message.constructor.name,
      transport: envelope.last(SentStamp)?.senderAlias ?? null,
      id: envelope.last(TransportMessageIdStamp)?.id ?? null,
    },
  };
}

/** A server-side failure in general terms: its catalogued code, never its message. */
function serverErrorBody(error: unknown, message: string): { error: { code: string; message: string } } {
  return { error: { code: errorBody(error).error.code, message } };
}

function errorBody(error: unknown): { error: { code: string; message: string } } {
  const code = (error as { code?: unknown })?.code;
  return {
    error: {
      code: typeof code === "string" ? code : "INTERNAL_ERROR",
      message: error instanceof Error ? error.message : String(error),
    },
  };
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>>,
): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...headers,
  });
  response.end(text);
}
