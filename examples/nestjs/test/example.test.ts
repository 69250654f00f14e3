import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { requireService, ScriptProcess } from "@messenger-ts/core/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  database: process.env.PGDATABASE ?? "test",
};
const pgUp = await requireService("PostgreSQL", PG);
const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const schema = `nest_example_${randomBytes(4).toString("hex")}`;
const env = {
  DATABASE_URL: `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}`,
  ORDERS_SCHEMA: schema,
  PORT: "0",
  NO_COLOR: "1",
};

/** `node dist/console.js ...args`, as an operator runs it. */
async function console(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return await promisify(execFile)(process.execPath, [dist("console.js"), ...args], {
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
}

/** Polls until the server printed its address on stderr (the machine may be loaded). */
async function address(server: ScriptProcess): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const url = /Listening on (http:\/\/\S+)/.exec(server.stderr)?.[1];
    if (url) return url.replace("[::1]", "127.0.0.1");
    if (Date.now() > deadline || server.process.exitCode !== null) {
      throw new Error(
        `The server did not start.\nstdout:\n${server.lines.join("\n")}\nstderr:\n${server.stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  if (!pgUp) return;
  const client = new pg.Client(PG);
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe.skipIf(!pgUp)("the NestJS example", () => {
  it("queues an order from POST /orders on PostgreSQL, places it in `console messenger:consume`, and answers GET /orders/:id with the query's result", {
    timeout: 240_000,
  }, async () => {
    const server = new ScriptProcess(dist("main.js"), [], { env });
    try {
      const url = await address(server);
      const posted = await fetch(`${url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ orderId: "A-1", item: "green tea", quantity: 2 }),
      });
      expect(posted.status).toBe(202);
      expect(await posted.json()).toEqual({ orderId: "A-1", queuedOn: ["async"] });
      expect((await fetch(`${url}/orders/A-1`)).status).toBe(404);

      const consumed = await console("messenger:consume", "async", "--limit=1", "--time-limit=60", "-vv");
      expect(consumed.stderr).toMatch(/shop\.place_order \(id \d+\) handled successfully/);

      const answered = await fetch(`${url}/orders/A-1`);
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({ orderId: "A-1", item: "green tea", quantity: 2 });
    } finally {
      server.kill("SIGTERM");
      await server.exited;
    }
  });
});
