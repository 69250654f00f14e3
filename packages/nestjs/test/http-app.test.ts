import { createWorker, Messenger } from "@messenger-ts/core";
import type { PostgresTransport } from "@messenger-ts/transport-postgres";
import type { INestApplication } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ExpressAdapter } from "@nestjs/platform-express";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openSockets, waitFor } from "./support/open-handles.js";
import { type OrderView, ordersModule } from "./support/orders-app.js";
import { countRows, dropSchema, newSchema, pgUp, queueDsn } from "./support/postgres.js";

const platforms = {
  express: () => new ExpressAdapter(),
  fastify: () => new FastifyAdapter(),
};

describe.skipIf(!pgUp).each(Object.keys(platforms) as (keyof typeof platforms)[])(
  "a Nest application on %s with the messenger on PostgreSQL",
  (platform) => {
    const schema = newSchema(platform);
    afterAll(() => dropSchema(schema));

    it("dispatches a command from a POST, handles it in a worker of the same module with an injected service, answers the query through the controller, and closes every connection on shutdown", {
      timeout: 120_000,
    }, async () => {
      const before = openSockets();
      const app: INestApplication = await NestFactory.create(
        ordersModule(queueDsn(schema)),
        platforms[platform](),
        {
          logger: false,
        },
      );
      await app.listen(0, "127.0.0.1");
      const url = (await app.getUrl()).replace("[::1]", "127.0.0.1");

      const posted = await fetch(`${url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ orderId: "o-1", item: "espresso machine" }),
      });
      expect(posted.status).toBe(202);
      expect(((await posted.json()) as { queued: string }).queued).toMatch(/^\d+$/);
      expect(await countRows(schema)).toBe(1); // on PostgreSQL, not handled yet
      expect((await fetch(`${url}/orders/o-1`)).status).toBe(404);

      const worker = createWorker(app.get(Messenger), {
        receivers: ["async"],
        limit: 1,
        timeLimit: 60_000,
        heartbeatInterval: false,
      });
      await worker.run();
      expect(await countRows(schema)).toBe(0);

      const answered = await fetch(`${url}/orders/o-1`);
      expect(answered.status).toBe(200);
      const order = (await answered.json()) as OrderView;
      expect(order).toEqual({ orderId: "o-1", item: "espresso machine", status: "placed" });

      // Observed, not replaced: the pool would also close its idle connections by itself, later.
      const close = vi.spyOn(app.get(Messenger).getTransport("async") as PostgresTransport, "close");
      await app.close();
      expect(close).toHaveBeenCalledOnce();
      await waitFor(openSockets, (open) => open.length <= before.length);
      expect(openSockets()).toEqual(before);
    });
  },
);
