import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type HttpBindings, serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { dashboardMiddleware } from "../src/adapters/express.js";
import { dashboardPlugin } from "../src/adapters/fastify.js";
import { dashboardHandler } from "../src/adapters/hono.js";
import { csrfOf, DashboardApp, Job, post } from "./support/dashboard-server.js";

const TOKEN = "adapter-test-token";
const PREFIX = "/admin/queues";

/** Serves `app`'s dashboard under PREFIX with the framework; returns the server's origin and its stop. */
type Mount = (app: DashboardApp) => Promise<{ origin: string; close: () => Promise<void> }>;

function originOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeOf(server: Server): () => Promise<void> {
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

const mounts: Record<string, Mount> = {
  async express(app) {
    const server = express();
    // A body parser before it, as many applications have: the form is taken from request.body.
    server.use(express.urlencoded({ extended: false }));
    server.use(PREFIX, dashboardMiddleware({ messenger: app.messenger, basePath: PREFIX, token: TOKEN }));
    server.get("/elsewhere", (_request, response) => {
      response.send("the application's own route");
    });
    const http = await new Promise<Server>((resolve) => {
      const listening = server.listen(0, "127.0.0.1", () => resolve(listening));
    });
    return { origin: originOf(http), close: closeOf(http) };
  },
  async fastify(app) {
    const server = Fastify();
    await server.register(dashboardPlugin, { prefix: PREFIX, messenger: app.messenger, token: TOKEN });
    await server.listen({ port: 0, host: "127.0.0.1" });
    return { origin: originOf(server.server), close: () => server.close() };
  },
  async hono(app) {
    const server = new Hono<{ Bindings: HttpBindings }>();
    const handler = dashboardHandler({ messenger: app.messenger, basePath: PREFIX, token: TOKEN });
    server.all(PREFIX, handler);
    server.all(`${PREFIX}/*`, handler);
    const http = await new Promise<Server>((resolve) => {
      const listening = serve({ fetch: server.fetch, port: 0, hostname: "127.0.0.1" }, () =>
        resolve(listening as Server),
      );
    });
    return { origin: originOf(http), close: closeOf(http) };
  },
};

describe.each(Object.keys(mounts))("the %s adapter", (framework) => {
  let app: DashboardApp | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await app?.stop();
    app = undefined;
    close = undefined;
  });

  it(`serves the dashboard under ${PREFIX}: the overview, a retry with the CSRF token, 401 without the token`, async () => {
    app = new DashboardApp("sqlite");
    await app.messenger.setup();
    const mounted = await mounts[framework]!(app);
    close = mounted.close;
    const base = `${mounted.origin}${PREFIX}`;
    const auth = { authorization: `Bearer ${TOKEN}` };

    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/failed`)).status).toBe(401);

    const overview = await fetch(`${base}/`, { headers: auth });
    expect(overview.status).toBe(200);
    const page = await overview.text();
    expect(page).toContain('data-testid="transport-row" data-transport="async"');
    // Links carry the prefix: the dashboard knows where it is mounted.
    expect(page).toContain(`href="${PREFIX}/failed?transport=failed"`);

    const id = await app.park(new Job(7));
    const list = await (await fetch(`${base}/failed`, { headers: auth })).text();
    expect(list).toContain(`data-id="${id}"`);
    const refused = await post(`${base}/failed/failed/${id}/retry`, { _csrf: "forged" }, auth);
    expect(refused.status).toBe(403);
    expect(app.handled).toEqual([]);
    const retried = await post(`${base}/failed/failed/${id}/retry`, { _csrf: csrfOf(list) }, auth);
    expect(retried.status).toBe(303);
    expect(retried.headers.get("location")).toBe(`${PREFIX}/failed?transport=failed&done=retried&id=${id}`);
    expect(app.handled).toEqual([7]);
    expect(await app.findFailed(id)).toBeUndefined();

    if (framework === "express") {
      // Requests outside the mount reach the application's own routes.
      expect(await (await fetch(`${mounted.origin}/elsewhere`)).text()).toBe("the application's own route");
    }
  });
});
