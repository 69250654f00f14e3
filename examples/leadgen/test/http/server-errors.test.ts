import type { Server } from "node:http";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createLeadgenApp, createLeadgenServer, type LeadgenApp } from "../../src/index.js";
import { dropSchema, PG, pgUp, schemaFor } from "../support/postgres.js";

/**
 * The database goes down under a running server: PostgreSQL is reached through a TCP proxy that
 * the test closes. The 500 and 503 bodies must not name what the driver's errors name.
 */
const schema = schemaFor("server-errors");
const logged: { level: string; context: Record<string, unknown>; message: string }[] = [];
const record = (level: string) => (context: Record<string, unknown>, message: string) => {
  logged.push({ level, context, message });
};
const logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
let app: LeadgenApp | undefined;
let http: Server | undefined;

afterAll(async () => {
  http?.close();
  await app?.close().catch(() => {});
  if (pgUp) await dropSchema(schema);
});

/** A proxy to PostgreSQL; `down()` closes it and every connection through it. */
async function proxy(): Promise<{ port: number; down(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(PG.port, PG.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    down() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe.skipIf(!pgUp)("the HTTP endpoints with the database down", () => {
  it("500 and 503 bodies say what failed in general terms; the details go to the log at ERROR", async () => {
    await dropSchema(schema);
    const database = await proxy();
    app = await createLeadgenApp({
      env: {},
      databaseUrl: `postgres://${PG.user}@127.0.0.1:${database.port}/${PG.database}`,
      databaseSchema: schema,
      latencyMs: 0,
      scheduleStore: null,
      logger,
    });
    await app.setup();
    const server = createLeadgenServer(app, { env: {} });
    http = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    database.down();

    const post = await fetch(`${base}/webhooks/ses`, {
      method: "POST",
      body: JSON.stringify({
        notificationType: "Delivery",
        mail: { messageId: "m-1" },
        delivery: { recipients: ["a@b.cz"] },
      }),
    });
    const health = await fetch(`${base}/health`);
    const bodies = [await post.text(), await health.text()];

    expect([post.status, health.status]).toEqual([500, 503]);
    for (const text of bodies) {
      for (const internal of [
        schema,
        "127.0.0.1",
        String(database.port),
        PG.user,
        "messenger_messages",
        "ECONNREFUSED",
      ]) {
        expect(text).not.toContain(internal);
      }
    }
    expect(JSON.parse(bodies[0]!).error.message).toMatch(
      /^POST \/webhooks\/ses failed on the server; the server log/,
    );
    expect(JSON.parse(bodies[1]!).error.error.message).toMatch(/^The queues cannot be read; the server log/);
    const errors = logged.filter((entry) => entry.level === "error").map((entry) => entry.message);
    expect(errors).toEqual(
      expect.arrayContaining(["POST /webhooks/ses failed", "GET /health: the queues cannot be read"]),
    );
  }, 30_000);
});
